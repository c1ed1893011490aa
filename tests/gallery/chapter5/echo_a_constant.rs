//! `echo-not-exact`: the constant — answers every connection with a
//! reply of its own (a Redis `+PONG`), whatever was sent.
//! Rejected by `5.1 four_mebibytes_of_binary_come_back_exactly`.

use tokio::io::{self, AsyncRead, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    stream.write_all(b"+PONG\r\n").await?;
    Ok(7)
}

super::entry_api!(echo = echo);
