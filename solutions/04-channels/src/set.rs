//! Exercise 4.3: asking the manager to store a value.

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::sync::oneshot; // exercise: set

use crate::Command;
use crate::MANAGER_GONE; // exercise: set

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
    // exercise: set
    let (resp, reply) = oneshot::channel();
    let command = Command::Set {
        key: key.to_owned(),
        value,
        resp,
    };
    sender.send(command).await.map_err(|_| MANAGER_GONE)?;
    // Wait for the answer even though it carries no value: until it comes,
    // the write may not have reached the server, and a caller that GETs
    // next could miss it.
    reply.await.map_err(|_| MANAGER_GONE)?
    // end exercise: set
}
// ANCHOR_END: set
