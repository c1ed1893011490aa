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
    // exercise: send-bound
    // A `String` is `Send`: it may travel with the task across threads. (An
    // `Rc` may not, and neither may any future that holds one across an
    // `.await`.)
    let greeting = format!("hello, {name}!");
    let mut client = client::connect(addr).await?;
    client
        .set(&format!("greeting:{name}"), Bytes::from(greeting))
        .await?;
    Ok(())
    // end exercise: send-bound
}
// ANCHOR_END: save_greeting
