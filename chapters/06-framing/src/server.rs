//! Exercise 6.5: the complete server, on your own framing.
//!
//! The accept loop of chapter 2, the sharded store of chapter 3, and this
//! chapter's [`Connection`]: one task per client, each reading requests
//! and writing replies a frame at a time.

use tokio::net::TcpListener;
#[allow(unused_imports, reason = "exercise 6.5 uses it")]
use tokio::net::TcpStream; // exercise: framed-server

#[allow(unused_imports, reason = "exercise 6.5 uses it")]
use crate::command::{Command, Refusal}; // exercise: framed-server
#[allow(unused_imports, reason = "exercise 6.5 uses it")]
use crate::connection::Connection; // exercise: framed-server
#[allow(unused_imports, reason = "exercise 6.5 uses it")]
use crate::db::{Db, SHARDS}; // exercise: framed-server

// ANCHOR: run
/// Serves clients on `listener` until the listener fails: PING, GET and
/// SET on one sharded store, one task per connection.
#[allow(
    unused_variables,
    reason = "exercise 6.5: the parameters are yours to use"
)]
pub async fn run(listener: TcpListener) -> crate::Result<()> {
    // exercise: framed-server
    // Exercise 6.5 — requirements:
    //  1. Make one `Db::new(SHARDS)`, then accept clients in a loop; call
    //     `set_nodelay(true)` on each socket and `tokio::spawn` a task per
    //     connection with a clone of the `Db`.
    //  2. In the connection's task, wrap the socket in a `Connection` and read
    //     frames until the client hangs up (`Ok(None)`) or the connection fails.
    //  3. Turn each frame into a `Command` with `Command::from_frame`; write
    //     `command.apply(&db)`'s reply, or the refusal's error frame: after
    //     `Refusal::Reply` read the next request, after `Refusal::Close` flush and
    //     end the connection.
    //  4. A failing connection ends its own task, never the server.
    // Check your work: cargo test -p chapter-6 -- 6.5
    todo!(
        "6.5: serve PING, GET and SET on one sharded `Db` with your `Connection`, one task per connection"
    )
    // end exercise: framed-server
}
// ANCHOR_END: run
