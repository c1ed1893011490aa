//! Exercise 1.1: say hello to Redis.
//!
//! The first async function of the workbook: open a connection, write a key,
//! read it back. Each step is a round trip to the server, and each round
//! trip is a future that does nothing until it is awaited.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client; // exercise: hello-redis

// ANCHOR: hello_redis
/// Connects to the Redis server at `addr`, sets `hello` to `world`, and
/// returns what `GET hello` reads back.
pub async fn hello_redis(addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
    // exercise: hello-redis
    // The address comes from the caller: a real program reads it from its
    // configuration, and the grader starts a server on a free port for
    // every check.
    let mut client = client::connect(addr).await?;

    // `set` sends the command and waits for the server's `+OK`. Without
    // `.await`, this line would build a future and drop it unpolled: no
    // byte would leave the machine.
    client.set("hello", Bytes::from_static(b"world")).await?;

    // The SET has been answered, so the GET is guaranteed to see it.
    let value = client.get("hello").await?;
    Ok(value)
    // end exercise: hello-redis
}
// ANCHOR_END: hello_redis
