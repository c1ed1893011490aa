//! Exercise 2.5: a task that can change threads.
//!
//! On the multi-thread runtime a task may be paused on one worker thread and
//! resumed on another, so `tokio::spawn` requires its future to be `Send`.
//! A future holds every local variable that lives across an `.await`; one
//! `Rc` among them, and the whole future stays on its thread.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

// ANCHOR: save_greeting
/// Stores `greeting:{name}` = `hello, {name}!` on the server at `addr`. The
/// caller runs it with `tokio::spawn`, so its future must be `Send`.
pub async fn save_greeting(addr: SocketAddr, name: String) -> mini_redis::Result<()> {
    // Exercise 2.5 — requirements:
    //  1. Run `cargo test -p chapter-2 -- 2.5` and read why this future cannot be
    //     spawned.
    //  2. Keep nothing that is not `Send` alive across an `.await`.
    //  3. Replace the `todo!` with `Ok(())`.
    // Check your work: cargo test -p chapter-2 -- 2.5
    // The greeting is shared with the log below; `Rc` is the cheapest way to
    // share a value… on one thread.
    let greeting = std::rc::Rc::new(format!("hello, {name}!"));
    let mut client = client::connect(addr).await?;
    client
        .set(
            &format!("greeting:{name}"),
            Bytes::from(greeting.to_string()),
        )
        .await?;
    println!("saved {} for {name}", greeting.len());
    todo!("2.5: make this future Send, then return Ok(())")
}
// ANCHOR_END: save_greeting
