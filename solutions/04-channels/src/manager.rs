//! Exercise 4.1: a manager task that owns the one connection.
//!
//! Every task that wants the server sends a [`Command`] into one bounded
//! queue; a single task, the manager, takes them out one at a time and runs
//! each on the connection it owns. No lock: only the manager ever touches
//! the `Client`, so `&mut client` needs no sharing at all.

use std::net::SocketAddr;

use mini_redis::client; // exercise: manager
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
    // exercise: manager
    // Connect before spawning, so that a wrong address is the caller's
    // error at once, not a failure of every command later.
    let mut client = client::connect(addr).await?;
    // Bounded: a full queue makes `send(..).await` wait for room.
    let (sender, mut receiver) = mpsc::channel(CAPACITY);

    let manager = tokio::spawn(async move {
        // `recv` returns `None` once every sender is dropped and the queue
        // is empty: that, and only that, ends the manager. So the manager
        // must not keep a sender of its own.
        while let Some(command) = receiver.recv().await {
            match command {
                Command::Get { key, resp } => {
                    let result = client.get(&key).await;
                    // The asker may have given up and dropped its receiver;
                    // that is its business, not a reason to stop serving
                    // everyone else. Hence `let _ =`, not `unwrap()`.
                    let _ = resp.send(result);
                }
                Command::Set { key, value, resp } => {
                    let result = client.set(&key, value).await;
                    let _ = resp.send(result);
                }
            }
            // A server that went away makes each command an `Err`, and the
            // asker gets it: the loop neither panics nor stops early, so no
            // queued asker waits for an answer that never comes.
        }
    });

    Ok((sender, manager))
    // end exercise: manager
}
// ANCHOR_END: start
