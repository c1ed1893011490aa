//! Exercise 5.4: a client that sends a batch and reads every reply.
//!
//! Like `redis-cli --pipe`: write the whole request, tell the server that
//! nothing more is coming by shutting down the write side (half-close),
//! then read until the server closes its side. The connection stays open
//! for reading after a shutdown; only the direction to the server ends.

use tokio::io::{self, AsyncRead, AsyncWrite};
use tokio::io::{AsyncReadExt, AsyncWriteExt}; // exercise: request

// ANCHOR: request
/// Writes `request` to `stream`, shuts down the write side, and returns
/// everything the peer sends back until it closes its side.
///
/// # Errors
/// The first write, shutdown or read that fails.
pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    // exercise: request
    stream.write_all(request).await?;
    // Without this, a server that answers once it has the whole request
    // waits for more, while we wait for its answer: neither moves.
    stream.shutdown().await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    Ok(reply)
    // end exercise: request
}
// ANCHOR_END: request
