//! A Redis-compatible server to try your client against, with nothing to
//! install: `cargo run -p chapter-1 --example server`.
//!
//! It listens on 127.0.0.1:6379, the standard Redis port, unless you pass
//! another address: `cargo run -p chapter-1 --example server -- 127.0.0.1:6380`.
//! Stop it with Ctrl-C.

use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> mini_redis::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6379".to_owned());
    let listener = TcpListener::bind(&addr).await.map_err(|e| {
        format!(
            "cannot listen on {addr}: {e}. Is another server using it? \
             Pass another address: cargo run -p chapter-1 --example server -- 127.0.0.1:6380"
        )
    })?;
    // With port 0 the OS picks a free port; print the one we really got.
    let addr = listener.local_addr()?;
    println!("mini-redis is listening on {addr}; stop it with Ctrl-C");
    mini_redis::server::run(listener, tokio::signal::ctrl_c()).await
}
