//! A right echo with a buffer of one byte: every byte costs a read and a
//! write, a wake-up and a trip through the pipe, so 4 MiB take seconds
//! where a buffer of a few KiB takes milliseconds. Slow is not wrong, and
//! speed is for benchmarks: `5.1 four_mebibytes_of_binary_come_back_exactly`
//! must accept it, on a fast machine and a loaded one alike, rather than
//! fail it on one and pass it on the other at the edge of its patience.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> io::Result<u64> {
    let mut buffer = [0u8; 1];
    let mut echoed = 0;
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(echoed);
        }
        stream.write_all(&buffer[..n]).await?;
        echoed += n as u64;
    }
}

super::entry_api!(echo = echo);
