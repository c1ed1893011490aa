//! `parser-panics`: a parse that trusts a bulk length: it slices
//! `len` bytes (`len as usize + 2` past the line) without a range check.

use std::io::Cursor;

use bytes::Bytes;
use grader::chapters::chapter6::{ParseError, Resp};

pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Resp, ParseError> {
    let start = src.position() as usize;
    let buf: &[u8] = src.get_ref();
    if buf.get(start) == Some(&b'$') {
        let rest = &buf[start..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or(ParseError::Incomplete)?;
        let len: i64 = std::str::from_utf8(&rest[1..end])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or(ParseError::Protocol("bad length".into()))?;
        if len == -1 {
            src.set_position((start + end + 2) as u64);
            return Ok(Resp::Null);
        }
        let from = end + 2;
        let data = Bytes::copy_from_slice(&rest[from..from + len as usize]);
        src.set_position((start + from + len as usize + 2) as u64);
        return Ok(Resp::Bulk(data));
    }
    super::parse(src)
}

crate::entry_api6!(
    super::check,
    parse,
    super::write_frame,
    super::read_frame,
    super::run
);
