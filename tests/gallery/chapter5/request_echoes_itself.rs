//! `answer-without-asking`: the constant — returns the request itself, as
//! an echo server would answer, without sending anything.
//! Rejected by `5.4 the_whole_request_goes_out_and_the_whole_reply_comes_back`.

use tokio::io::{self, AsyncRead, AsyncWrite};

pub async fn request<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    request: &[u8],
) -> io::Result<Vec<u8>> {
    drop(stream);
    Ok(request.to_vec())
}

super::entry_api!(request = request);
