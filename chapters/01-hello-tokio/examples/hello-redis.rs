//! Your exercises 1.1 and 1.2, run against a real server.
//!
//! Start a server in one terminal:  cargo run -p chapter-1 --example server
//! Then run this in another:        cargo run -p chapter-1 --example hello-redis
//!
//! Both use 127.0.0.1:6379 unless you pass another address to each.

use std::net::SocketAddr;

// No `#[tokio::main]` here: `run`, from exercise 1.2, builds the runtime.
fn main() -> mini_redis::Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6379".to_owned())
        .parse()?;
    let value = chapter_1::run(chapter_1::hello_redis(addr))?;
    match value {
        Some(bytes) => println!("got value from the server; result={bytes:?}"),
        None => println!("the server has no value for `hello`"),
    }
    Ok(())
}
