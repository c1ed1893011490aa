//! `wrong-encoding`: the no-op writer — it returns `Ok(())` and writes
//! nothing.

use grader::chapters::chapter6::{Resp, Stream};

pub async fn write_frame<S: Stream>(c: &mut super::Conn<S>, frame: &Resp) -> std::io::Result<()> {
    let _ = (c, frame);
    Ok(())
}

crate::entry_api6!(
    super::check,
    super::parse,
    write_frame,
    super::read_frame,
    super::run
);
