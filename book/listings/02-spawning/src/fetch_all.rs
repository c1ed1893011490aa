//! Exercise 2.4: tasks that return something.
//!
//! `tokio::spawn` returns a `JoinHandle`, a future of the task's result.
//! Spawning every task first and awaiting the handles afterwards runs the
//! tasks at the same time, and still collects their results in the order
//! the caller asked for.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

// ANCHOR: fetch_all
/// Reads every key in `keys` from the server at `addr`, each over its own
/// connection in its own task, and returns the values in the order of
/// `keys`.
pub async fn fetch_all(
    addr: SocketAddr,
    keys: Vec<String>,
) -> mini_redis::Result<Vec<Option<Bytes>>> {
    // Exercise 2.4 — requirements:
    //  1. For each key, spawn a task that connects to `addr` and GETs it.
    //  2. Spawn every task before awaiting any: keep the `JoinHandle`s in a `Vec`.
    //  3. Await the handles in order and return the values in the order of `keys`.
    // Check your work: cargo test -p chapter-2 -- 2.4
    todo!("2.4: spawn one task per key, then collect their values in key \
        order")
}
// ANCHOR_END: fetch_all
