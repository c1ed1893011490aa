//! `write-not-write-all`: one `write` for the request, its count ignored.
//! Rejected by `5.4 the_whole_request_goes_out_and_the_whole_reply_comes_back`.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

#[allow(clippy::unused_io_amount, reason = "the mistake this entry shows")]
pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    stream.write(request).await?;
    stream.shutdown().await?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await?;
    Ok(reply)
}

super::entry_api!(request = request);
