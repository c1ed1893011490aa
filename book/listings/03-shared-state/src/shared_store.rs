//! Exercise 3.1: one store for every connection.
//!
//! In chapter 2 each connection kept a map of its own, so a value one
//! client SET was invisible to every other. Here the map is made once, when
//! the server starts, and shared: an `Arc` lets every connection task own
//! a handle on it, and a `std::sync::Mutex` lets one task at a time in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

// ANCHOR: serve
/// Serves GET and SET to every client on `listener`, from one store that
/// all the connections share.
pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    // Exercise 3.1 — requirements:
    //  1. Before the accept loop, make one `Arc<Mutex<HashMap<String, Bytes>>>` (a
    //     `std::sync::Mutex`).
    //  2. Accept clients in a loop; move a clone of the `Arc`
    //     (`Arc::clone(&store)`) into each connection's task.
    //  3. Serve GET and SET as in 2.3, from the shared map: lock, do one map
    //     operation, and let the guard go (at the end of its statement or block)
    //     before any `.await`.
    //  4. Answer anything else with an error frame (no CR or LF from the client in
    //     its text); a failing connection ends its own task, never the server.
    // Check your work: cargo test -p chapter-3 -- 3.1
    todo!("3.1: serve GET and SET from one store that every connection \
        shares")
}
// ANCHOR_END: serve
