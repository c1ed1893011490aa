//! Stock mini-redis 0.4 — the server chapter 1 talks to — started from the
//! crate this workspace already depends on, so `workbook server --impl
//! mini-redis` and `workbook bench` need nothing installed.
//!
//! ```console
//! cargo workbook server --impl mini-redis --port 6381
//! cargo run --release -p solution-1 --example mini-redis-server -- --port 6381   # by hand
//! ```
//!
//! It lives here because chapter 1's reference crate already depends on
//! mini-redis; chapter 6's (the reference server) deliberately does not.
//! It listens on `--bind` (127.0.0.1 unless told otherwise), on `--port`
//! or else on a free port, prints one line saying where, and stops on
//! Ctrl-C.

use std::process::ExitCode;

// The command line and the socket, shared with the other server `workbook
// bench` starts.
#[path = "../../../bench/listen.rs"]
mod listen;

const USAGE: &str = "usage: cargo run --release -p solution-1 --example mini-redis-server -- \
                     [--port PORT] [--bind ADDR]\n\
                     PORT 0 (the default) picks a free port; ADDR defaults to 127.0.0.1.";

#[tokio::main]
async fn main() -> ExitCode {
    let (listener, addr) = match listen::from_args(USAGE).await {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    println!("mini-redis 0.4 listening on {addr}; Ctrl-C stops it.");
    // mini-redis's own `run` takes a shutdown future: Ctrl-C, here. It
    // then stops accepting, and waits for its connections to finish.
    match mini_redis::server::run(listener, tokio::signal::ctrl_c()).await {
        Ok(()) => {
            println!("stopped.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the server stopped: {e}");
            ExitCode::FAILURE
        }
    }
}
