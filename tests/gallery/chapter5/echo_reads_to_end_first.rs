//! `reads-to-end-first`: the whole stream is read before anything is
//! written back; every byte comes back, but only after the client leaves.
//! Rejected by `5.1 bytes_come_back_while_the_client_is_still_sending`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut everything = Vec::new();
    stream.read_to_end(&mut everything).await?;
    stream.write_all(&everything).await?;
    Ok(everything.len() as u64)
}

super::entry_api!(echo = echo);
