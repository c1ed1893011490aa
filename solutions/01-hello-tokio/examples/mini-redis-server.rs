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

use std::net::IpAddr;
use std::process::ExitCode;

use tokio::net::TcpListener;

const USAGE: &str = "usage: cargo run --release -p solution-1 --example mini-redis-server -- \
                     [--port PORT] [--bind ADDR]\n\
                     PORT 0 (the default) picks a free port; ADDR defaults to 127.0.0.1.";

#[tokio::main]
async fn main() -> ExitCode {
    let (bind, port) = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind((bind, port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "cannot listen on {bind}:{port}: {e}. Is another server using that port? \
                 Pass another --port, or --port 0 for a free one."
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("cannot read the address the server listens on: {e}");
            return ExitCode::FAILURE;
        }
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

/// `--bind ADDR` and `--port PORT` (also as `--port=PORT`).
fn parse(mut args: impl Iterator<Item = String>) -> Result<(IpAddr, u16), String> {
    let mut bind = IpAddr::from([127, 0, 0, 1]);
    let mut port = 0;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Err(USAGE.to_owned()),
            "-p" | "--port" => {
                let text = value()?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port takes a number from 0 to 65535, not {text:?}"))?;
            }
            "--bind" => {
                let text = value()?;
                bind = text
                    .parse()
                    .map_err(|_| format!("--bind takes an IP address, not {text:?}"))?;
            }
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    Ok((bind, port))
}
