//! Exercise 4.2: asking the manager for a value.
//!
//! The request/response pattern: make a `oneshot` channel, send the
//! manager a command that carries its sending half, and await the
//! receiving half.

use bytes::Bytes;
use tokio::sync::mpsc;
#[allow(unused_imports, reason = "exercise 4.2 uses it")]
use tokio::sync::oneshot; // exercise: get

use crate::Command;
#[allow(unused_imports, reason = "exercise 4.2 uses it")]
use crate::MANAGER_GONE; // exercise: get

// ANCHOR: get
/// Reads `key` through the manager behind `sender`: `Ok(None)` when the
/// server has no value for it.
///
/// # Errors
/// The server's error, or an error (never a panic) if the manager is gone.
#[allow(
    unused_variables,
    reason = "exercise 4.2: the parameters are yours to use"
)]
pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    // exercise: get
    // Exercise 4.2 — requirements:
    //  1. Make a `oneshot::channel()`; the command takes its sender as `resp`, you
    //     keep the receiver.
    //  2. Send `Command::Get` with `sender.send(…).await` (it waits while the
    //     channel is full); never `blocking_send` or `try_send`.
    //  3. Await the receiver and return the manager's answer.
    //  4. If the manager is gone (the send fails, or the reply never comes),
    //     return an `Err`: never `unwrap` either.
    // Check your work: cargo test -p chapter-4 -- 4.2
    todo!("4.2: send a `Command::Get` to the manager and await its reply")
    // end exercise: get
}
// ANCHOR_END: get
