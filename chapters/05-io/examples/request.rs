//! Your exercise 5.4 at work: a batch of Redis commands, and every byte
//! of the answer.
//!
//!     cargo run -p chapter-5 --example request -- 127.0.0.1:PORT
//!
//! connects to the server at that address, sends three Redis commands in
//! one request with your `request` (write, shut down, read to the end), and
//! prints what came back. Without an address it starts your echo server
//! (exercise 5.3) on a free port first, so the answer is the request
//! itself. Against a real Redis (`-- 127.0.0.1:6379`) it is Redis's
//! three replies.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};

/// Three commands in RESP, as `redis-cli` would send them.
const BATCH: &[u8] = b"*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n\
                       *2\r\n$3\r\nGET\r\n$5\r\nhello\r\n\
                       *1\r\n$4\r\nPING\r\n";

#[tokio::main]
async fn main() -> std::io::Result<()> {
    explain_todo();
    let addr = match std::env::args().nth(1) {
        Some(addr) => addr.parse::<SocketAddr>().map_err(std::io::Error::other)?,
        None => {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            tokio::spawn(chapter_5::serve(listener));
            println!("your echo server is listening on {addr}");
            addr
        }
    };
    let stream = TcpStream::connect(addr).await?;
    println!("sent {} bytes to {addr}:", BATCH.len());
    println!("{}", String::from_utf8_lossy(BATCH).escape_debug());
    let reply = chapter_5::request(stream, BATCH).await?;
    println!(
        "came back, {} bytes, then the end of the stream:",
        reply.len()
    );
    println!("{}", String::from_utf8_lossy(&reply).escape_debug());
    if reply == BATCH {
        println!("the same bytes: an echo");
    }
    Ok(())
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
