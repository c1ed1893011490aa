//! Exercise 5.1: an echo handler written by hand.
//!
//! `read` fills part of a buffer with whatever bytes have arrived — one
//! byte, a few thousand, never "a whole message" — and says how many;
//! `Ok(0)` means the peer has closed its side and no byte will ever come
//! again. `write_all` keeps writing until every byte it was given has
//! been accepted, however many `write` calls that takes.

use tokio::io::{self, AsyncRead, AsyncWrite};
#[allow(unused_imports, reason = "exercise 5.1 uses it")]
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
#[allow(
    unused_variables,
    reason = "exercise 5.1: the parameters are yours to use"
)]
#[allow(
    unused_mut,
    reason = "exercise 5.1: `read` and `write_all` need `stream` to be mutable"
)]
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    // exercise: echo-by-hand
    // Exercise 5.1 — requirements:
    //  1. Make a buffer on the heap: `vec![0u8; BUFFER_SIZE]`.
    //  2. In a loop, `read` into it; `Ok(0)` is the end of the stream: return how
    //     many bytes you echoed.
    //  3. Otherwise write back exactly what this read brought, `&buffer[..n]`,
    //     with `write_all` (a plain `write` may take only part of it).
    //  4. Echo each chunk as soon as it arrives: never wait for the end of the
    //     stream before writing.
    // Check your work: cargo test -p chapter-5 -- 5.1
    todo!(
        "5.1: read from `stream` into a buffer and write every byte back, until the end of the stream"
    )
    // end exercise: echo-by-hand
}
// ANCHOR_END: echo
