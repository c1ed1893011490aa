//! `buffer-grows-for-ever`: the reference read loop without its frame
//! limit: it reads for as long as the peer sends, so a frame that never
//! ends takes all the memory there is.

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
            return if c.buffer.is_empty() {
                Ok(None)
            } else {
                Err("end of stream in a frame".into())
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
