//! Exercise 4.3: asking the manager to store a value.

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

use crate::Command;
use crate::MANAGER_GONE;

// ANCHOR: set
/// Stores `value` under `key` through the manager behind `sender`, and
/// returns once the server has confirmed it.
///
/// # Errors
/// The server's error, or an error (never a panic) if the manager is gone.
pub async fn set(
    sender: &mpsc::Sender<Command>,
    key: &str,
    value: Bytes,
) -> mini_redis::Result<()> {
    // Exercise 4.3 — requirements:
    //  1. As in 4.2, with `Command::Set`, carrying `key` and `value` unchanged,
    //     sent with `send(…).await`.
    //  2. Return only once the manager's reply has come, and return it.
    //  3. If the manager is gone, return an `Err`: never `unwrap`.
    // Check your work: cargo test -p chapter-4 -- 4.3
    todo!("4.3: send a `Command::Set` to the manager and await its reply")
}
// ANCHOR_END: set
