//! Exercise 2.3: GET and SET.
//!
//! The server starts to remember. Each connection keeps its own store for
//! now — chapter 3 shares one between all of them — and a command the
//! server does not know gets an error reply, never a panic: a panic would
//! end the task, and with it the client's connection.

use std::collections::HashMap;

use bytes::Bytes;
use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

// ANCHOR: serve
/// Serves GET and SET to every client on `listener`, each connection in a
/// task of its own with a store of its own.
pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    // Exercise 2.3 — requirements:
    //  1. One task per connection, as in 2.2, each with a `HashMap<String, Bytes>`
    //     of its own.
    //  2. Turn each frame into a command with `Command::from_frame`: SET stores
    //     and answers `+OK`; GET answers the value, or `Frame::Null` when there is
    //     none.
    //  3. Answer anything else with an error frame, and keep the connection open:
    //     no panics. If its text names the command, turn any CR or LF in the name
    //     into a space.
    //  4. When a connection fails, end that connection's task, never the whole
    //     server.
    // Check your work: cargo test -p chapter-2 -- 2.3
    todo!("2.3: serve GET and SET, one task and one store per connection")
}
// ANCHOR_END: serve
