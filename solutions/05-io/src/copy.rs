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
pub async fn echo_with_copy<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64> {
    // exercise: echo-with-copy
    // `io::split` works for any stream: the halves share it behind a
    // lock. (A `TcpStream` has cheaper splits of its own; see `serve`.)
    let (mut reader, mut writer) = io::split(stream);
    io::copy(&mut reader, &mut writer).await
    // Both halves drop here, and with them the stream: this side closes.
    // end exercise: echo-with-copy
}
// ANCHOR_END: echo_with_copy
