//! `wrong-frame` / `incomplete-is-not-an-error`: the constant check — it
//! says a whole frame is there, whatever the bytes, and moves nothing.

use std::io::Cursor;

use grader::chapters::chapter6::ParseError;

pub fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
    let _ = src;
    Ok(())
}

crate::entry_api6!(
    check,
    super::parse,
    super::write_frame,
    super::read_frame,
    super::run
);
