//! `stops-before-eof`: one read into a fixed buffer of 1 KiB, as if one
//! read brought the whole message; the rest is never read.
//! Rejected by `5.1 payloads_around_the_buffer_size_come_back_exactly`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buffer = [0u8; 1024];
    let n = stream.read(&mut buffer).await?;
    stream.write_all(&buffer[..n]).await?;
    Ok(n as u64)
}

super::entry_api!(echo = echo);
