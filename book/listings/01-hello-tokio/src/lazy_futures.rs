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
#[allow(
    unused_must_use,
    reason = "exercise 1.3: delete this attribute first, then build and read the warnings"
)]
pub async fn record_visit(addr: SocketAddr, name: &str) -> mini_redis::Result<()> {
    // Exercise 1.3 — requirements:
    //  1. Delete the `#[allow(unused_must_use, …)]` attribute above, run
    //     `cargo build -p chapter-1`, and read what the compiler says.
    //  2. Make both writes reach the server before the function returns.
    //  3. Replace the `todo!` with `Ok(())`.
    // Check your work: cargo test -p chapter-1 -- 1.3
    let mut client = client::connect(addr).await?;
    client.set("last-visitor", Bytes::copy_from_slice(name.as_bytes()));
    let greeting = format!("hello, {name}!");
    client.set(&format!("greeting:{name}"), greeting.into());
    todo!("1.3: find out why this function does nothing, fix it, then \
        return Ok(())")
}
// ANCHOR_END: record_visit
