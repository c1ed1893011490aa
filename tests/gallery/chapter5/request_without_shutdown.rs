//! `no-shutdown`: the request is written whole, but the write side stays
//! open, so a server that waits for the end of the request never answers.
//! Rejected by `5.4 the_write_side_is_shut_down_before_the_reply_is_awaited`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    stream.write_all(request).await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    Ok(reply)
}

super::entry_api!(request = request);
