//! `wrong-frame`: a check that skips the two bytes after bulk data
//! without looking at them (as mini-redis 0.4 does), so `$3\r\nabcXY` is
//! a frame to it.

use std::io::Cursor;

use grader::chapters::chapter6::ParseError;

pub fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
    let start = src.position() as usize;
    let buf: &[u8] = src.get_ref();
    if buf.get(start) == Some(&b'$') {
        let rest = &buf[start..];
        if let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
            if let Some(len) = std::str::from_utf8(&rest[1..end])
                .ok()
                .and_then(|t| t.parse::<usize>().ok())
            {
                if len <= 64 {
                    if rest.len() < end + 2 + len + 2 {
                        return Err(ParseError::Incomplete);
                    }
                    src.set_position((start + end + 2 + len + 2) as u64);
                    return Ok(());
                }
            }
        }
    }
    super::check(src)
}

crate::entry_api6!(
    check,
    super::parse,
    super::write_frame,
    super::read_frame,
    super::run
);
