//! `echo-not-exact`: `write_all(&buffer)` instead of `&buffer[..n]`:
//! every read sends back the whole buffer, zeros and leftovers included.
//! Rejected by `5.1 payloads_around_the_buffer_size_come_back_exactly`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buffer = vec![0u8; 16];
    let mut echoed = 0;
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(echoed);
        }
        stream.write_all(&buffer).await?;
        echoed += n as u64;
    }
}

super::entry_api!(echo = echo);
