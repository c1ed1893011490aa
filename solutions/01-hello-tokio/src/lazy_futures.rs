//! Exercise 1.3: the visit that never happened.
//!
//! In the stub, this function compiles, runs, returns `Ok(())`, and leaves
//! the server untouched: its two SET futures are created and dropped
//! without ever being polled. The fix is two `.await`s; the lesson is that
//! a future is a description of work, not work in progress.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

// ANCHOR: record_visit
/// Remembers a visit on the server at `addr`: `last-visitor` becomes
/// `name`, and `greeting:{name}` becomes `hello, {name}!`.
pub async fn record_visit(addr: SocketAddr, name: &str) -> mini_redis::Result<()> {
    // exercise: lazy-futures
    let mut client = client::connect(addr).await?;

    // Each `.await` sends the command and waits for the server's answer,
    // so when this function returns, both keys are stored.
    client
        .set("last-visitor", Bytes::copy_from_slice(name.as_bytes()))
        .await?;
    let greeting = format!("hello, {name}!");
    client
        .set(&format!("greeting:{name}"), greeting.into())
        .await?;
    Ok(())
    // end exercise: lazy-futures
}
// ANCHOR_END: record_visit
