//! `reply-read-once`: one `read` for the reply, as if it came in one piece.
//! Rejected by `5.4 the_whole_request_goes_out_and_the_whole_reply_comes_back`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    stream.write_all(request).await?;
    stream.shutdown().await?;
    let mut reply = vec![0u8; 64 * 1024];
    let n = stream.read(&mut reply).await?;
    reply.truncate(n);
    Ok(reply)
}

super::entry_api!(request = request);
