//! Exercise 1.1: say hello to Redis.
//!
//! The first async function of the workbook: open a connection, write a key,
//! read it back. Each step is a round trip to the server, and each round
//! trip is a future that does nothing until it is awaited.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

// ANCHOR: hello_redis
/// Connects to the Redis server at `addr`, sets `hello` to `world`, and
/// returns what `GET hello` reads back.
pub async fn hello_redis(addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
    // Exercise 1.1 — requirements:
    //  1. Connect to `addr` with `mini_redis::client::connect`.
    //  2. SET `hello` to `world`, and wait for the server's answer.
    //  3. GET `hello` and return the value the server sent back.
    // Check your work: cargo test -p chapter-1 -- 1.1
    todo!("1.1: connect to `addr`, SET hello to world, then GET hello")
}
// ANCHOR_END: hello_redis
