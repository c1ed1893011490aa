//! `reads-to-end-first`: `io::copy` into a `Vec`, then the `Vec` back:
//! nothing is echoed until the client has left.
//! Rejected by `5.2 bytes_come_back_while_the_client_is_still_sending`.

use tokio::io::{self, AsyncRead, AsyncWrite, AsyncWriteExt};

pub async fn echo_with_copy<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64> {
    let (mut reader, mut writer) = io::split(stream);
    let mut everything = Vec::new();
    let n = io::copy(&mut reader, &mut everything).await?;
    writer.write_all(&everything).await?;
    Ok(n)
}

super::entry_api!(echo_with_copy = echo_with_copy);
