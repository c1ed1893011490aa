//! `stops-before-eof`: half the work — everything is read (into
//! `io::sink()`), nothing written back.
//! Rejected by `5.2 payloads_around_the_buffer_size_come_back_exactly`.

use tokio::io::{self, AsyncRead, AsyncWrite};

pub async fn echo_with_copy<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64> {
    let (mut reader, _writer) = io::split(stream);
    io::copy(&mut reader, &mut io::sink()).await
}

super::entry_api!(echo_with_copy = echo_with_copy);
