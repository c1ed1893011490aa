//! The command line and the listening socket of the servers `workbook
//! server` and `workbook bench` start from the solutions' examples
//! (`solution-6`'s `reference-server`, `solution-1`'s `mini-redis-server`),
//! written once. Each example includes this file with `#[path]`: they live
//! in two crates, and neither should depend on the other.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use tokio::net::TcpListener;

/// Reads `--bind ADDR` and `--port PORT` from the command line and listens
/// there: 127.0.0.1 unless told otherwise, and a free port the system picks
/// unless `--port` names one. On a bad argument or a port in use, says why
/// (with `usage`) and gives the exit code to end with.
pub async fn from_args(usage: &str) -> Result<(TcpListener, SocketAddr), ExitCode> {
    let (bind, port) = match parse(std::env::args().skip(1), usage) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return Err(ExitCode::from(2));
        }
    };
    let listener = match TcpListener::bind((bind, port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "cannot listen on {bind}:{port}: {e}. Is another server using that port? \
                 Pass another --port, or --port 0 for a free one."
            );
            return Err(ExitCode::FAILURE);
        }
    };
    match listener.local_addr() {
        Ok(addr) => Ok((listener, addr)),
        Err(e) => {
            eprintln!("cannot read the address the server listens on: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// `--bind ADDR` and `--port PORT` (also as `--port=PORT`).
fn parse(mut args: impl Iterator<Item = String>, usage: &str) -> Result<(IpAddr, u16), String> {
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
                .ok_or(format!("{flag} needs a value\n{usage}"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Err(usage.to_owned()),
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
            _ => return Err(format!("unexpected argument {arg:?}\n{usage}")),
        }
    }
    Ok((bind, port))
}
