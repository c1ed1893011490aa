//! `waits-on-bad-frame`: every parse error means "read more", so bytes
//! that are not RESP keep the connection waiting.

use bytes::Buf;
use grader::chapters::chapter6::{Resp, Stream, model};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn read_frame<S: Stream>(c: &mut super::Conn<S>) -> Result<Option<Resp>, String> {
    loop {
        if let Ok((frame, len)) = model::classify(&c.buffer[..]) {
            c.buffer.advance(len);
            return Ok(Some(frame));
        }
        c.stream.flush().await.map_err(|e| e.to_string())?;
        if c.stream
            .read_buf(&mut c.buffer)
            .await
            .map_err(|e| e.to_string())?
            == 0
        {
            return if c.buffer.is_empty() {
                Ok(None)
            } else {
                Err("eof".into())
            };
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
