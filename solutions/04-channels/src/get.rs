//! Exercise 4.2: asking the manager for a value.
//!
//! The request/response pattern: make a `oneshot` channel, send the
//! manager a command that carries its sending half, and await the
//! receiving half.

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::sync::oneshot; // exercise: get

use crate::Command;
use crate::MANAGER_GONE; // exercise: get

// ANCHOR: get
/// Reads `key` through the manager behind `sender`: `Ok(None)` when the
/// server has no value for it.
///
/// # Errors
/// The server's error, or an error (never a panic) if the manager is gone.
pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    // exercise: get
    let (resp, reply) = oneshot::channel();
    let command = Command::Get {
        key: key.to_owned(),
        resp,
    };
    // `send(..).await` waits for room in the queue: this is where
    // backpressure reaches the caller. It fails only if the manager has
    // dropped its receiver, i.e. it has stopped.
    sender.send(command).await.map_err(|_| MANAGER_GONE)?;
    // The outer error: the manager dropped the responder without an
    // answer. The inner `Result` is the server's, returned as it is.
    reply.await.map_err(|_| MANAGER_GONE)?
    // end exercise: get
}
// ANCHOR_END: get
