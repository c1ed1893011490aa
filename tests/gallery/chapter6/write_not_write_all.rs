//! `write-not-write-all`: each part written with one `write`, which may
//! take only some of the bytes.

use grader::chapters::chapter6::{Resp, Stream};
use tokio::io::AsyncWriteExt;

pub async fn write_frame<S: Stream>(c: &mut super::Conn<S>, frame: &Resp) -> std::io::Result<()> {
    if let Resp::Bulk(data) = frame {
        c.stream
            .write_all(format!("${}\r\n", data.len()).as_bytes())
            .await?;
        let _ = c.stream.write(data).await?;
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
