//! Exercise 5.2: the echo handler again, with `io::copy`.
//!
//! `io::copy(&mut reader, &mut writer)` is the loop of exercise 5.1, done
//! for you: it reads from one value and writes everything to another until
//! the reader returns `Ok(0)`. It needs both at once, `&mut` each, and one
//! stream cannot be borrowed mutably twice; so the stream is first split
//! into a read half and a write half that can be borrowed separately.

use tokio::io::{self, AsyncRead, AsyncWrite};

// ANCHOR: echo_with_copy
/// Does what [`echo`](crate::echo) does, with `io::split` and `io::copy`.
///
/// # Errors
/// The first read or write that fails.
#[allow(
    unused_variables,
    reason = "exercise 5.2: the parameters are yours to use"
)]
pub async fn echo_with_copy<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64> {
    // exercise: echo-with-copy
    // Exercise 5.2 — requirements:
    //  1. Split the stream with `io::split(stream)`: `io::copy` needs the reader
    //     and the writer mutably at once.
    //  2. Copy everything from the read half into the write half with
    //     `io::copy(&mut reader, &mut writer).await`.
    //  3. Return what `io::copy` returns: the number of bytes echoed.
    // Check your work: cargo test -p chapter-5 -- 5.2
    todo!(
        "5.2: split `stream` into a read half and a write half, and `io::copy` one into the other"
    )
    // end exercise: echo-with-copy
}
// ANCHOR_END: echo_with_copy
