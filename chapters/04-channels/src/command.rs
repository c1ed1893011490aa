//! Given code: the messages tasks send to the connection manager.
//!
//! A task cannot call the manager's connection; it can only send it a
//! [`Command`]. Each command carries its own way back, a [`Responder`]: the
//! sending half of a `oneshot` channel whose receiving half the asking task
//! keeps and awaits. The manager never needs to know who asked.

use bytes::Bytes;
use tokio::sync::oneshot;

// ANCHOR: command
/// Where the manager sends the result of one command: the sending half of
/// a `oneshot` channel. The asking task holds the receiving half.
pub type Responder<T> = oneshot::Sender<mini_redis::Result<T>>;

/// One request for the connection manager, with the way back to its asker.
#[derive(Debug)]
pub enum Command {
    /// Read `key`; the reply is the value, or `None` if the key is unset.
    Get {
        key: String,
        resp: Responder<Option<Bytes>>,
    },
    /// Store `value` under `key`; the reply is `()` once the server said OK.
    Set {
        key: String,
        value: Bytes,
        resp: Responder<()>,
    },
}
// ANCHOR_END: command

/// The error `get` and `set` return when the manager is gone: it stopped,
/// or it dropped the command (and its responder) without answering.
pub const MANAGER_GONE: &str = "the connection manager has stopped";
