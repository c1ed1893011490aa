//! `stops-before-eof`: the no-op — returns at once, echoing nothing.
//! Rejected by `5.1 bytes_come_back_while_the_client_is_still_sending`.

use tokio::io::{self, AsyncRead, AsyncWrite};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> io::Result<u64> {
    drop(stream);
    Ok(0)
}

super::entry_api!(echo = echo);
