//! Your exercise 5.3 at work: an echo server on 127.0.0.1.
//!
//!     cargo run -p chapter-5 --example echo
//!
//! binds a port the system picks (or the one you pass: `-- 6380`), prints
//! where it listens, and serves your `serve` until you press Ctrl-C. Talk
//! to it with `nc -N 127.0.0.1 PORT`, or with the chapter's other example:
//! `cargo run -p chapter-5 --example request -- 127.0.0.1:PORT`.

use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    explain_todo();
    let port: u16 = match std::env::args().nth(1) {
        Some(port) => port.parse().map_err(std::io::Error::other)?,
        None => 0,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "your echo server is listening on {}; Ctrl-C stops it",
        listener.local_addr()?
    );
    tokio::select! {
        served = chapter_5::serve(listener) => served,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// Replaces Rust's panic report for an exercise that is still a `todo!()`
/// with one that says what to do.
fn explain_todo() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Some(rest) = message.strip_prefix("not yet implemented: ") {
            let number = rest.split(':').next().unwrap_or("?");
            eprintln!(
                "\nexercise {number} is not written yet: its code is still a `todo!()`.\n\
                 Write it, check it with `cargo test -p chapter-5 -- {number}`, and run this \
                 example again."
            );
            std::process::exit(1);
        }
        default(info);
    }));
}
