//! `buffer-never-grows`: reads go into the `BytesMut`'s first 4 KiB and no
//! further: a read into a full buffer returns 0, taken as the end.

use grader::chapters::chapter6::{Resp, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn read_frame<S: Stream>(c: &mut super::Conn<S>) -> Result<Option<Resp>, String> {
    let mut room = [0u8; 4096];
    loop {
        if let Some(frame) = super::take_frame(&mut c.buffer)? {
            return Ok(Some(frame));
        }
        c.stream.flush().await.map_err(|e| e.to_string())?;
        let free = 4096usize.saturating_sub(c.buffer.len());
        let n = c
            .stream
            .read(&mut room[..free])
            .await
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return if c.buffer.is_empty() {
                Ok(None)
            } else {
                Err("eof".into())
            };
        }
        c.buffer.extend_from_slice(&room[..n]);
    }
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    read_frame,
    super::run
);
