//! Exercise 2.1: an accept loop.
//!
//! A server's life is a loop: accept a connection, talk to the client,
//! accept the next. This first version talks to one client at a time, and
//! has nothing to say yet but an error.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

// ANCHOR: reply_with_errors
/// Accepts clients on `listener`, one at a time, and answers every command
/// each of them sends with an error frame.
pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    // Exercise 2.1 — requirements:
    //  1. Accept connections from `listener` in a loop: never bind a listener of
    //     your own.
    //  2. Wrap each socket in a `mini_redis::Connection` and read frames until the
    //     client hangs up (`Ok(None)`) or the connection fails.
    //  3. Answer every frame with `Frame::Error(…)`; then accept the next
    //     client.
    //  4. Never put the client's bytes into an error's text as they are: a CR or
    //     LF there ends the frame early.
    // Check your work: cargo test -p chapter-2 -- 2.1
    todo!(
        "2.1: accept clients on `listener`, one at a time, and answer every command with an error"
    )
}
// ANCHOR_END: reply_with_errors
