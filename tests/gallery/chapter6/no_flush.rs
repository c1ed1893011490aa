//! `missing-flush`: `read_frame` never flushes the `BufWriter`, so a
//! reply waits in it until the buffer fills.

use grader::chapters::chapter6::{Resp, Stream};
use tokio::io::AsyncReadExt;

pub async fn read_frame<S: Stream>(c: &mut super::Conn<S>) -> Result<Option<Resp>, String> {
    loop {
        if let Some(frame) = super::take_frame(&mut c.buffer)? {
            return Ok(Some(frame));
        }
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
