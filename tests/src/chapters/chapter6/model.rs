//! The grader's own RESP: a reference parser and encoder over [`Resp`],
//! the frames learners' parsers are compared with, and the generators of
//! random frames and byte streams for the seeded property checks.

use std::io::Cursor;

use bytes::Bytes;

use super::{ParseError, Resp};
use crate::seed::Rng;

/// The longest bulk string a peer may send (the chapter's `MAX_BULK_LEN`).
pub const MAX_BULK_LEN: i64 = 512 * 1024 * 1024;
/// How deep arrays may nest (the chapter's `MAX_DEPTH`).
pub const MAX_DEPTH: usize = 32;

/// A frame's bytes, as RESP 2 spells them (one spelling per frame).
pub fn encode(frame: &Resp) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(frame, &mut out);
    out
}

fn encode_into(frame: &Resp, out: &mut Vec<u8>) {
    match frame {
        Resp::Simple(s) => out.extend_from_slice(format!("+{s}\r\n").as_bytes()),
        Resp::Error(s) => out.extend_from_slice(format!("-{s}\r\n").as_bytes()),
        Resp::Integer(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
        Resp::Bulk(b) => {
            out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
            out.extend_from_slice(b);
            out.extend_from_slice(b"\r\n");
        }
        Resp::Null => out.extend_from_slice(b"$-1\r\n"),
        Resp::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for item in items {
                encode_into(item, out);
            }
        }
    }
}

fn protocol(why: &str) -> ParseError {
    ParseError::Protocol(why.to_owned())
}

fn line<'a>(src: &mut Cursor<&'a [u8]>) -> Result<&'a [u8], ParseError> {
    let buf: &'a [u8] = src.get_ref();
    let start = (src.position() as usize).min(buf.len());
    let rest = &buf[start..];
    let end = rest
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or(ParseError::Incomplete)?;
    src.set_position((start + end + 2) as u64);
    Ok(&rest[..end])
}

fn decimal(src: &mut Cursor<&[u8]>) -> Result<i64, ParseError> {
    let line = line(src)?;
    std::str::from_utf8(line)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| protocol("not a 64-bit number"))
}

/// The reference parser: the frame at the start of `src` and the cursor
/// past it, `Incomplete`, or a protocol error, as the chapter specifies.
pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Resp, ParseError> {
    parse_at(src, 0)
}

fn parse_at(src: &mut Cursor<&[u8]>, depth: usize) -> Result<Resp, ParseError> {
    let buf: &[u8] = src.get_ref();
    let at = src.position() as usize;
    let Some(&kind) = buf.get(at) else {
        return Err(ParseError::Incomplete);
    };
    src.set_position(at as u64 + 1);
    let text = |line: &[u8]| {
        String::from_utf8(line.to_vec()).map_err(|_| protocol("a simple string is not UTF-8"))
    };
    match kind {
        b'+' => Ok(Resp::Simple(text(line(src)?)?)),
        b'-' => Ok(Resp::Error(text(line(src)?)?)),
        b':' => Ok(Resp::Integer(decimal(src)?)),
        b'$' => match decimal(src)? {
            -1 => Ok(Resp::Null),
            len if !(0..=MAX_BULK_LEN).contains(&len) => Err(protocol("invalid bulk length")),
            len => {
                let len = len as usize;
                let start = src.position() as usize;
                if buf.len() < start + len + 2 {
                    return Err(ParseError::Incomplete);
                }
                if &buf[start + len..start + len + 2] != b"\r\n" {
                    return Err(protocol("no CRLF after bulk data"));
                }
                src.set_position((start + len + 2) as u64);
                Ok(Resp::Bulk(Bytes::copy_from_slice(&buf[start..start + len])))
            }
        },
        b'*' => {
            if depth >= MAX_DEPTH {
                return Err(protocol("arrays nested too deep"));
            }
            match decimal(src)? {
                -1 => Ok(Resp::Null),
                len if len < 0 => Err(protocol("invalid array length")),
                len => {
                    let mut items = Vec::new();
                    for _ in 0..len {
                        items.push(parse_at(src, depth + 1)?);
                    }
                    Ok(Resp::Array(items))
                }
            }
        }
        _ => Err(protocol("invalid type byte")),
    }
}

/// What the reference makes of `bytes`: the frame and its length, or why
/// there is none.
pub fn classify(bytes: &[u8]) -> Result<(Resp, usize), ParseError> {
    let mut cursor = Cursor::new(bytes);
    let frame = parse(&mut cursor)?;
    Ok((frame, cursor.position() as usize))
}

/// A random frame, at most `depth` arrays deep: every type, text with
/// non-ASCII letters, bulk strings with CR, LF, NUL and non-UTF-8 bytes,
/// integers at both ends of 64 bits.
pub fn frame(rng: &mut Rng, depth: usize) -> Resp {
    match rng.range(0..if depth == 0 { 5 } else { 6 }) {
        0 => Resp::Simple(text(rng)),
        1 => Resp::Error(format!("ERR {}", text(rng))),
        2 => Resp::Integer(integer(rng)),
        3 => Resp::Bulk(Bytes::from(rng.value(200))),
        4 => {
            if rng.one_in(3) {
                Resp::Null
            } else {
                Resp::Bulk(Bytes::from(rng.value(12)))
            }
        }
        _ => {
            let len = rng.range(0..5);
            Resp::Array((0..len).map(|_| frame(rng, depth - 1)).collect())
        }
    }
}

/// Text for a simple string or an error: no CR or LF.
fn text(rng: &mut Rng) -> String {
    const WORDS: [&str; 8] = ["OK", "PONG", "héllo", "ключ", "wrong type", "", "a:b", "$5"];
    let mut out = String::new();
    for i in 0..rng.range(1..4) {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick::<&str>(&WORDS));
    }
    out
}

/// An integer, often at an edge.
pub fn integer(rng: &mut Rng) -> i64 {
    match rng.range(0..6) {
        0 => i64::MAX,
        1 => i64::MIN,
        2 => -1,
        3 => 0,
        4 => -(rng.range(0..1_000_000) as i64),
        _ => rng.next_u64() as i64,
    }
}

/// Random bytes that are RESP, almost RESP, or not RESP at all: a valid
/// frame cut short, a valid frame with one byte changed, lengths and
/// numbers out of range, bulk data without its CRLF. Never bytes whose
/// reading reasonable parsers may differ on (a `+` sign, leading zeros,
/// `-0`, a lone CR in a line, non-UTF-8 simple strings, `*-1`).
pub fn stream(rng: &mut Rng) -> Vec<u8> {
    let frame = frame(rng, 3);
    let mut bytes = encode(&frame);
    match rng.range(0..8) {
        // Whole, maybe followed by the start of another frame.
        0 => {
            if rng.one_in(2) {
                bytes.extend_from_slice(b"*2\r\n$3\r\nGET");
            }
            bytes
        }
        // Cut short.
        1 | 2 => {
            let cut = rng.range(0..bytes.len());
            bytes.truncate(cut);
            bytes
        }
        // A bad type byte at the start, or inside an array.
        3 => {
            let bad = *rng.pick(b"%!x 0\r\n?");
            let mut out = Vec::new();
            if rng.one_in(2) {
                out.extend_from_slice(b"*2\r\n:1\r\n");
            }
            out.push(bad);
            out.extend_from_slice(b"oops\r\n");
            out
        }
        // A number that is no 64-bit number, or a length out of range.
        4 | 5 => {
            let bad: &[u8] = rng.pick::<&[u8]>(&BAD_HEADERS);
            let mut out = Vec::new();
            if rng.one_in(3) {
                out.extend_from_slice(b"*3\r\n$1\r\na\r\n");
            }
            out.extend_from_slice(bad);
            out.extend_from_slice(b"$1\r\nx\r\n:1\r\n");
            out
        }
        // Bulk data that does not end in CRLF.
        6 => {
            let data = rng.value(20);
            let mut out = format!("${}\r\n", data.len()).into_bytes();
            out.extend_from_slice(&data);
            let ends: [&[u8]; 4] = [b"XY", b"\n\r", b"\rX", b"ab\r\n"];
            let end: &[u8] = rng.pick::<&[u8]>(&ends);
            out.extend_from_slice(end);
            out
        }
        // Arrays nested deeper than allowed, complete.
        _ => {
            let depth = MAX_DEPTH + rng.range(1..4);
            let mut out = b"*1\r\n".repeat(depth);
            out.extend_from_slice(b":1\r\n");
            out
        }
    }
}

/// Headers whose number no correct parser accepts.
pub const BAD_HEADERS: [&[u8]; 14] = [
    b"$18446744073709551615\r\n",
    b":9223372036854775808\r\n",
    b":-9223372036854775809\r\n",
    b"*18446744073709551616\r\n",
    b"$9223372036854775807\r\n",
    b"$536870913\r\n",
    b"$-2\r\n",
    b"*-2\r\n",
    b"$-9223372036854775808\r\n",
    b":\r\n",
    b":12a\r\n",
    b"$x\r\n",
    b"*1.5\r\n",
    b":--1\r\n",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_frames_parse_to_themselves() {
        let mut rng = Rng::new(6);
        for _ in 0..2000 {
            let f = frame(&mut rng, 3);
            let bytes = encode(&f);
            assert_eq!(classify(&bytes), Ok((f, bytes.len())));
            for cut in 0..bytes.len() {
                assert_eq!(classify(&bytes[..cut]), Err(ParseError::Incomplete));
            }
        }
    }

    #[test]
    fn bad_headers_are_protocol_errors() {
        for bad in BAD_HEADERS {
            let mut bytes = bad.to_vec();
            bytes.extend_from_slice(b"$1\r\nx\r\n");
            assert!(
                matches!(classify(&bytes), Err(ParseError::Protocol(_))),
                "{bad:?}"
            );
        }
    }
}
