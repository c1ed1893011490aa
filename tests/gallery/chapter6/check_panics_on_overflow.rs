//! `parser-panics`: lengths read as `u64`, then `len + 2` — mini-redis
//! 0.4's parser, which overflows on `$18446744073709551615\r\n`.

use std::io::Cursor;

use grader::chapters::chapter6::ParseError;

fn line<'a>(src: &mut Cursor<&'a [u8]>) -> Result<&'a [u8], ParseError> {
    let buf: &'a [u8] = src.get_ref();
    let start = src.position() as usize;
    let end = buf[start..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or(ParseError::Incomplete)?;
    src.set_position((start + end + 2) as u64);
    Ok(&buf[start..start + end])
}

fn number(src: &mut Cursor<&[u8]>) -> Result<u64, ParseError> {
    let line = line(src)?;
    // A `-1` null is the one negative case this parser knows.
    if line == b"-1" {
        return Ok(u64::MAX - 1);
    }
    std::str::from_utf8(line)
        .ok()
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or(ParseError::Protocol("bad number".into()))
}

pub fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
    let at = src.position() as usize;
    let Some(&kind) = src.get_ref().get(at) else {
        return Err(ParseError::Incomplete);
    };
    src.set_position(at as u64 + 1);
    match kind {
        b'+' | b'-' => line(src).map(drop),
        b':' => {
            let l = line(src)?;
            std::str::from_utf8(l)
                .ok()
                .and_then(|t| t.parse::<i64>().ok())
                .map(drop)
                .ok_or(ParseError::Protocol("bad".into()))
        }
        b'$' => {
            let len = number(src)?;
            if len == u64::MAX - 1 {
                return Ok(());
            }
            // Overflows when the peer sends the largest u64.
            let need = len as usize + 2;
            let start = src.position() as usize;
            if src.get_ref().len() < start + need {
                return Err(ParseError::Incomplete);
            }
            src.set_position((start + need) as u64);
            Ok(())
        }
        b'*' => {
            for _ in 0..number(src)? {
                check(src)?;
            }
            Ok(())
        }
        _ => Err(ParseError::Protocol("bad type byte".into())),
    }
}

crate::entry_api6!(
    check,
    super::parse,
    super::write_frame,
    super::read_frame,
    super::run
);
