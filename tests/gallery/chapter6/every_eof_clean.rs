//! `every-eof-clean`: a read of 0 bytes is `Ok(None)`, even with half a
//! frame in the buffer.

use grader::chapters::chapter6::{Resp, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn read_frame<S: Stream>(c: &mut super::Conn<S>) -> Result<Option<Resp>, String> {
    loop {
        if let Some(frame) = super::take_frame(&mut c.buffer)? {
            return Ok(Some(frame));
        }
        c.stream.flush().await.map_err(|e| e.to_string())?;
        if c.stream
            .read_buf(&mut c.buffer)
            .await
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(None);
        }
    }
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    read_frame,
    super::run
);
