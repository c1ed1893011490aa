//! `write-not-write-all`: `write` where `write_all` is needed; its count
//! is ignored, so whatever the stream did not take is lost.
//! Rejected by `5.1 payloads_around_the_buffer_size_come_back_exactly`
//! and `5.1 four_mebibytes_of_binary_come_back_exactly`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

#[allow(clippy::unused_io_amount, reason = "the mistake this entry shows")]
pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buffer = vec![0u8; 4096];
    let mut echoed = 0;
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(echoed);
        }
        stream.write(&buffer[..n]).await?;
        echoed += n as u64;
    }
}

super::entry_api!(echo = echo);
