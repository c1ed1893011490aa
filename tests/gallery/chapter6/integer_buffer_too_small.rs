//! `integer-buffer-too-small`: integers formatted into a 12-byte scratch
//! buffer, so large ones are cut short.

use std::io::Write as _;

use grader::chapters::chapter6::{Resp, Stream};
use tokio::io::AsyncWriteExt;

pub async fn write_frame<S: Stream>(c: &mut super::Conn<S>, frame: &Resp) -> std::io::Result<()> {
    if let Resp::Integer(n) = frame {
        let mut buf = [0u8; 12];
        let mut cursor = std::io::Cursor::new(&mut buf[..]);
        let _ = write!(&mut cursor, "{n}");
        let len = cursor.position() as usize;
        c.stream.write_all(b":").await?;
        c.stream.write_all(&buf[..len]).await?;
        return c.stream.write_all(b"\r\n").await;
    }
    super::write_frame(c, frame).await
}

crate::entry_api6!(
    super::check,
    super::parse,
    write_frame,
    super::read_frame,
    super::run
);
