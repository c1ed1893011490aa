//! Exercise 2.2: one task per connection.
//!
//! The loop of exercise 2.1 serves one client at a time: while it waits for
//! a silent client, nobody else is accepted. Spawning a task per connection
//! lets the loop go straight back to `accept`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

// ANCHOR: serve_concurrently
/// Accepts clients on `listener` and serves each one in a task of its own,
/// answering every command with an error frame.
pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    // Exercise 2.2 — requirements:
    //  1. Accept connections from `listener` in a loop.
    //  2. Hand each socket to `tokio::spawn(async move { … })`, and go straight
    //     back to `accept`.
    //  3. In the task, answer every frame with an error frame, as in 2.1 (no CR or
    //     LF from the client in its text).
    // Check your work: cargo test -p chapter-2 -- 2.2
    todo!("2.2: serve each connection in a task of its own")
}
// ANCHOR_END: serve_concurrently
