//! Exercise 2.4: tasks that return something.
//!
//! `tokio::spawn` returns a `JoinHandle`, a future of the task's result.
//! Spawning every task first and awaiting the handles afterwards runs the
//! tasks at the same time, and still collects their results in the order
//! the caller asked for.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client; // exercise: fetch-all

// ANCHOR: fetch_all
/// Reads every key in `keys` from the server at `addr`, each over its own
/// connection in its own task, and returns the values in the order of
/// `keys`.
pub async fn fetch_all(
    addr: SocketAddr,
    keys: Vec<String>,
) -> mini_redis::Result<Vec<Option<Bytes>>> {
    // exercise: fetch-all
    // Spawn them all first: each task starts running at once…
    let handles: Vec<_> = keys
        .into_iter()
        .map(|key| {
            tokio::spawn(async move {
                let mut client = client::connect(addr).await?;
                client.get(&key).await
            })
        })
        .collect();

    // …then wait for each in turn. Awaiting in spawn order keeps the
    // results in key order, whatever order the tasks finish in.
    let mut values = Vec::with_capacity(handles.len());
    for handle in handles {
        // The outer `?` is the task's fate (a `JoinError` if it panicked),
        // the inner one the GET's own result.
        values.push(handle.await??);
    }
    Ok(values)
    // end exercise: fetch-all
}
// ANCHOR_END: fetch_all
