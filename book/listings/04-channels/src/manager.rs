//! Exercise 4.1: a manager task that owns the one connection.
//!
//! Every task that wants the server sends a [`Command`] into one bounded
//! queue; a single task, the manager, takes them out one at a time and runs
//! each on the connection it owns. No lock: only the manager ever touches
//! the `Client`, so `&mut client` needs no sharing at all.

use std::net::SocketAddr;

use mini_redis::client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::Command;

/// How many commands may wait in the queue. When it is full, senders wait
/// (backpressure) instead of piling up requests faster than one connection
/// can serve them; 32 is plenty for one connection's worth of work.
pub const CAPACITY: usize = 32;

// ANCHOR: start
/// Connects to the server at `addr` and spawns the manager task that owns
/// that one connection. Returns the queue's sender, for callers to clone,
/// and the manager's `JoinHandle`, which finishes once every sender is
/// dropped.
///
/// # Errors
/// If the connection cannot be made.
pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    // Exercise 4.1 — requirements:
    //  1. Connect to `addr` once, with `client::connect`, before spawning
    //     anything.
    //  2. Make a bounded channel with `mpsc::channel(CAPACITY)`; keep the receiver
    //     for the manager and return the sender.
    //  3. Spawn the manager: it owns the client and the receiver, and runs each
    //     command on that one connection, one at a time
    //     (`while let Some(command) = receiver.recv().await`).
    //  4. Send each command's result through its `resp`, and ignore the error if
    //     the asker is gone (`let _ = resp.send(…)`): never `unwrap` it.
    //  5. Keep no sender inside the task, so that it ends once every sender is
    //     dropped; a server error goes to the command's asker, never a panic.
    //  6. Return the sender and the task's `JoinHandle`.
    // Check your work: cargo test -p chapter-4 -- 4.1
    todo!(
        "4.1: connect once, then spawn a task that owns the connection and serves commands from a bounded channel"
    )
}
// ANCHOR_END: start
