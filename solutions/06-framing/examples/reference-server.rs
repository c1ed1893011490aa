//! The reference server — this chapter's solution — running, so you can
//! compare yours with it.
//!
//! ```console
//! cargo workbook server --impl reference --port 6380
//! cargo run --release -p solution-6 --example reference-server -- --port 6380   # the same, by hand
//! redis-cli -p 6380 ping                                             # in another terminal
//! ```
//!
//! It listens on `--bind` (127.0.0.1 unless told otherwise), on `--port`
//! or else on a free port the system picks, prints one line saying where,
//! and stops on Ctrl-C.

use std::process::ExitCode;

// The command line and the socket, shared with the other server `workbook
// bench` starts.
#[path = "../../../bench/listen.rs"]
mod listen;

const USAGE: &str = "usage: cargo run --release -p solution-6 --example reference-server -- \
                     [--port PORT] [--bind ADDR]\n\
                     PORT 0 (the default) picks a free port; ADDR defaults to 127.0.0.1.";

#[tokio::main]
async fn main() -> ExitCode {
    let (listener, addr) = match listen::from_args(USAGE).await {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    println!("reference server (solution-6) listening on {addr}; Ctrl-C stops it.");
    // `run` takes no shutdown signal: Ctrl-C wins a race against it, and
    // the runtime then drops the server and every connection task with it.
    tokio::select! {
        result = solution_6::run(listener) => {
            match result {
                Ok(()) => eprintln!("the server stopped accepting clients"),
                Err(e) => eprintln!("the server stopped: {e}"),
            }
            ExitCode::FAILURE
        }
        signal = tokio::signal::ctrl_c() => match signal {
            Ok(()) => {
                println!("stopped.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot listen for Ctrl-C ({e}); stopping.");
                ExitCode::FAILURE
            }
        },
    }
}
