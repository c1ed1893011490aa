//! Exercise 5.1: an echo handler written by hand.
//!
//! `read` fills part of a buffer with whatever bytes have arrived — one
//! byte, a few thousand, never "a whole message" — and says how many;
//! `Ok(0)` means the peer has closed its side and no byte will ever come
//! again. `write_all` keeps writing until every byte it was given has
//! been accepted, however many `write` calls that takes.

use tokio::io::{self, AsyncRead, AsyncWrite};
use tokio::io::{AsyncReadExt, AsyncWriteExt}; // exercise: echo-by-hand

/// How many bytes one `read` may bring in. Any size works: the loop runs
/// as often as it needs to. 4 KiB is a page of memory and more than most
/// Redis requests, so a typical command arrives in one read.
pub const BUFFER_SIZE: usize = 4 * 1024;

// ANCHOR: echo
/// Sends every byte read from `stream` back into it, in order, until the
/// peer closes its side; then returns how many bytes were echoed, and
/// drops the stream, which closes this side too.
///
/// # Errors
/// The first read or write that fails.
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    // exercise: echo-by-hand
    // On the heap: a `Vec` keeps the buffer out of the future itself, so
    // the task that runs this stays small whatever `BUFFER_SIZE` is.
    let mut buffer = vec![0u8; BUFFER_SIZE];
    let mut echoed = 0u64;
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            // End of stream: the peer shut down its write side (or left).
            // Reading again would return `Ok(0)` again, at once, forever.
            return Ok(echoed);
        }
        // Only the first `n` bytes are this read's; the rest of the
        // buffer holds zeros or an older read's leftovers.
        stream.write_all(&buffer[..n]).await?;
        echoed += n as u64;
    }
    // end exercise: echo-by-hand
}
// ANCHOR_END: echo
