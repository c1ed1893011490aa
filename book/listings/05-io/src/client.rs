//! Exercise 5.4: a client that sends a batch and reads every reply.
//!
//! Like `redis-cli --pipe`: write the whole request, tell the server that
//! nothing more is coming by shutting down the write side (half-close),
//! then read until the server closes its side. The connection stays open
//! for reading after a shutdown; only the direction to the server ends.

use tokio::io::{self, AsyncRead, AsyncWrite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ANCHOR: request
/// Writes `request` to `stream`, shuts down the write side, and returns
/// everything the peer sends back until it closes its side.
///
/// # Errors
/// The first write, shutdown or read that fails.
#[allow(
    unused_mut,
    reason = "exercise 5.4: writing, shutting down and reading need `stream` to be mutable"
)]
pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    // Exercise 5.4 — requirements:
    //  1. Write the whole request with `write_all`.
    //  2. Shut down the write side with `stream.shutdown().await`: the peer learns
    //     that the request is complete.
    //  3. Read the reply with `read_to_end` (one `read` may bring only part of
    //     it), and return it.
    // Check your work: cargo test -p chapter-5 -- 5.4
    todo!("5.4: write `request`, shut down the write side, then read the \
        reply to its end")
}
// ANCHOR_END: request
