//! `eof-ignored`: only `n > 0` is acted on, so at the end of the stream
//! the loop calls `read` again and again, each returning `Ok(0)` at once.
//! Rejected by `5.1 after_the_client_shuts_down_everything_comes_back_then_the_end`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buffer = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n > 0 {
            stream.write_all(&buffer[..n]).await?;
        }
    }
}

super::entry_api!(echo = echo);
