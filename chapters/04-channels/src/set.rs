//! Exercise 4.3: asking the manager to store a value.

use bytes::Bytes;
use tokio::sync::mpsc;
#[allow(unused_imports, reason = "exercise 4.3 uses it")]
use tokio::sync::oneshot; // exercise: set

use crate::Command;
#[allow(unused_imports, reason = "exercise 4.3 uses it")]
use crate::MANAGER_GONE; // exercise: set

// ANCHOR: set
/// Stores `value` under `key` through the manager behind `sender`, and
/// returns once the server has confirmed it.
///
/// # Errors
/// The server's error, or an error (never a panic) if the manager is gone.
#[allow(
    unused_variables,
    reason = "exercise 4.3: the parameters are yours to use"
)]
pub async fn set(
    sender: &mpsc::Sender<Command>,
    key: &str,
    value: Bytes,
) -> mini_redis::Result<()> {
    // exercise: set
    // Exercise 4.3 — requirements:
    //  1. As in 4.2, with `Command::Set`, carrying `key` and `value` unchanged,
    //     sent with `send(…).await`.
    //  2. Return only once the manager's reply has come, and return it.
    //  3. If the manager is gone, return an `Err`: never `unwrap`.
    // Check your work: cargo test -p chapter-4 -- 4.3
    todo!("4.3: send a `Command::Set` to the manager and await its reply")
    // end exercise: set
}
// ANCHOR_END: set
