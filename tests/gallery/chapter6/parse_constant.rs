//! `wrong-frame`: the constant parser — every frame is `+OK`.

use std::io::Cursor;

use grader::chapters::chapter6::{ParseError, Resp};

pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Resp, ParseError> {
    let _ = src;
    Ok(Resp::Simple("OK".into()))
}

crate::entry_api6!(
    super::check,
    parse,
    super::write_frame,
    super::read_frame,
    super::run
);
