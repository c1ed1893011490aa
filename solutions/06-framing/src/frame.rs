//! Exercises 6.1 and 6.2: RESP frames, and the parser that finds them in a
//! buffer of bytes.
//!
//! A socket delivers bytes, in pieces of whatever size the network chose;
//! the server thinks in frames. Parsing happens in two passes over the
//! buffered bytes, both through a [`Cursor`] that remembers how far it got:
//! [`Frame::check`] only walks over a frame to learn whether all of it has
//! arrived (and how long it is), allocating nothing; [`Frame::parse`] runs
//! only once `check` said yes, and builds the [`Frame`]. A frame cut short
//! is [`ParseError::Incomplete`] — read more and try again — while bytes
//! that can never become a frame are a [`ParseError::Protocol`] error.
//!
//! Every number comes from the peer, so every number is checked before it
//! is used: lengths that overflow, lengths below -1, bulk strings longer
//! than [`MAX_BULK_LEN`], lines longer than [`MAX_LINE_LEN`] and arrays
//! nested deeper than [`MAX_DEPTH`] are protocol errors, never a panic
//! and never a wait for bytes that will not come.

use std::fmt;
use std::io::Cursor;

use bytes::{Buf, Bytes};

// ANCHOR: frame
/// One RESP (version 2) value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `+OK\r\n`: a line of text.
    Simple(String),
    /// `-ERR unknown command\r\n`: a line of text that reports an error.
    Error(String),
    /// `:42\r\n`: a signed 64-bit integer.
    Integer(i64),
    /// `$5\r\nhello\r\n`: a length, then that many bytes, any bytes at all.
    Bulk(Bytes),
    /// `$-1\r\n`: no value (GET of a missing key).
    Null,
    /// `*2\r\n…`: a count, then that many frames.
    Array(Vec<Frame>),
}

/// Why a buffer does not start with a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not all of the frame has arrived yet: read more, then try again.
    Incomplete,
    /// These bytes are not RESP, and no more bytes will change that.
    Protocol(String),
}

/// The longest bulk string a peer may send: 512 MiB, as in Redis.
pub const MAX_BULK_LEN: i64 = 512 * 1024 * 1024;

/// How deep arrays may nest: an array inside an array is depth 2.
pub const MAX_DEPTH: usize = 32;

/// The longest line a peer may send before its `\r\n` (64 KiB, Redis's
/// own limit for a line of a request).
pub const MAX_LINE_LEN: usize = 64 * 1024;
// ANCHOR_END: frame

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Incomplete => f.write_str("the stream ended in the middle of a frame"),
            ParseError::Protocol(why) => write!(f, "protocol error: {why}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// A protocol error with this text.
fn protocol(why: impl Into<String>) -> ParseError {
    ParseError::Protocol(why.into())
}

// ANCHOR: helpers
/// The next byte, or `Incomplete` if there is none yet.
pub fn get_u8(src: &mut Cursor<&[u8]>) -> Result<u8, ParseError> {
    if !src.has_remaining() {
        return Err(ParseError::Incomplete);
    }
    Ok(src.get_u8())
}

/// The bytes up to the next `\r\n`, with the cursor moved past it; or
/// `Incomplete` if no `\r\n` has arrived yet; or a protocol error if the
/// line is already longer than [`MAX_LINE_LEN`].
pub fn get_line<'a>(src: &mut Cursor<&'a [u8]>) -> Result<&'a [u8], ParseError> {
    let start = src.position() as usize;
    let buf: &'a [u8] = src.get_ref();
    let rest = &buf[start.min(buf.len())..];
    // Look no further than the longest line: a peer that never sends
    // `\r\n` then costs a bounded search per read, not one that grows
    // with everything it has sent.
    let window = &rest[..rest.len().min(MAX_LINE_LEN + 2)];
    let Some(end) = window.windows(2).position(|w| w == b"\r\n") else {
        return if window.len() == MAX_LINE_LEN + 2 {
            Err(protocol(format!("a line longer than {MAX_LINE_LEN} bytes")))
        } else {
            Err(ParseError::Incomplete)
        };
    };
    src.set_position((start + end + 2) as u64);
    Ok(&rest[..end])
}

/// The next line as a signed 64-bit decimal number: a protocol error if it
/// is not one, or does not fit.
pub fn get_decimal(src: &mut Cursor<&[u8]>) -> Result<i64, ParseError> {
    let line = get_line(src)?;
    let invalid = || {
        protocol(format!(
            "not a 64-bit number: {:?}",
            line.escape_ascii().to_string()
        ))
    };
    // Read straight from the bytes (a sign, then at least one digit), as
    // `str::parse::<i64>` would but without checking UTF-8 first: every
    // request has several of these lines. `checked_*` turns an overflow
    // into an error; a negative number is built downwards so that
    // `i64::MIN` fits.
    let (negative, digits) = match line {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, line),
    };
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut n: i64 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return Err(invalid());
        }
        let digit = i64::from(byte - b'0');
        n = n
            .checked_mul(10)
            .and_then(|n| {
                if negative {
                    n.checked_sub(digit)
                } else {
                    n.checked_add(digit)
                }
            })
            .ok_or_else(invalid)?;
    }
    Ok(n)
}
// ANCHOR_END: helpers

impl Frame {
    // ANCHOR: check
    /// Whether `src` starts with a whole frame. On `Ok`, the cursor is just
    /// past that frame, so its position is the frame's length in bytes.
    /// Allocates nothing.
    pub fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
        // exercise: frame-check
        // Arrays hold frames, so checking one recurses; `depth` counts the
        // arrays around the frame being checked.
        fn check_at(src: &mut Cursor<&[u8]>, depth: usize) -> Result<(), ParseError> {
            match get_u8(src)? {
                b'+' | b'-' => get_line(src).map(drop),
                b':' => get_decimal(src).map(drop),
                b'$' => match get_decimal(src)? {
                    -1 => Ok(()),
                    len if !(0..=MAX_BULK_LEN).contains(&len) => {
                        Err(protocol(format!("invalid bulk length {len}")))
                    }
                    len => {
                        // In range, so no overflow: `len + 2` is small.
                        let len = len as usize;
                        if src.remaining() < len + 2 {
                            return Err(ParseError::Incomplete);
                        }
                        src.advance(len);
                        // The data ends with `\r\n`, or this is no frame.
                        if src.chunk()[..2] != *b"\r\n" {
                            return Err(protocol("a bulk string's data does not end with \\r\\n"));
                        }
                        src.advance(2);
                        Ok(())
                    }
                },
                b'*' => {
                    if depth >= MAX_DEPTH {
                        return Err(protocol(format!("arrays nested deeper than {MAX_DEPTH}")));
                    }
                    match get_decimal(src)? {
                        -1 => Ok(()),
                        len if len < 0 => Err(protocol(format!("invalid array length {len}"))),
                        len => {
                            for _ in 0..len {
                                check_at(src, depth + 1)?;
                            }
                            Ok(())
                        }
                    }
                }
                other => Err(protocol(format!(
                    "invalid frame type byte {:?}",
                    other as char
                ))),
            }
        }
        check_at(src, 0)
        // end exercise: frame-check
    }
    // ANCHOR_END: check

    // ANCHOR: parse
    /// The frame at the start of `src`, with the cursor moved past it.
    /// Call it only after [`Frame::check`] said the whole frame is there.
    pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Frame, ParseError> {
        // exercise: frame-parse
        fn text(line: &[u8]) -> Result<String, ParseError> {
            String::from_utf8(line.to_vec()).map_err(|_| protocol("a simple string is not UTF-8"))
        }
        fn parse_at(src: &mut Cursor<&[u8]>, depth: usize) -> Result<Frame, ParseError> {
            match get_u8(src)? {
                b'+' => Ok(Frame::Simple(text(get_line(src)?)?)),
                b'-' => Ok(Frame::Error(text(get_line(src)?)?)),
                b':' => Ok(Frame::Integer(get_decimal(src)?)),
                b'$' => match get_decimal(src)? {
                    -1 => Ok(Frame::Null),
                    len if !(0..=MAX_BULK_LEN).contains(&len) => {
                        Err(protocol(format!("invalid bulk length {len}")))
                    }
                    len => {
                        let len = len as usize;
                        if src.remaining() < len + 2 {
                            return Err(ParseError::Incomplete);
                        }
                        // One copy, out of the read buffer: the buffer is
                        // reused for the next frame, the value lives on.
                        let data = Bytes::copy_from_slice(&src.chunk()[..len]);
                        src.advance(len);
                        if src.chunk()[..2] != *b"\r\n" {
                            return Err(protocol("a bulk string's data does not end with \\r\\n"));
                        }
                        src.advance(2);
                        Ok(Frame::Bulk(data))
                    }
                },
                b'*' => {
                    if depth >= MAX_DEPTH {
                        return Err(protocol(format!("arrays nested deeper than {MAX_DEPTH}")));
                    }
                    match get_decimal(src)? {
                        -1 => Ok(Frame::Null),
                        len if len < 0 => Err(protocol(format!("invalid array length {len}"))),
                        len => {
                            // No `with_capacity(len)`: `len` is the peer's
                            // number; the frames themselves prove it.
                            let mut items = Vec::new();
                            for _ in 0..len {
                                items.push(parse_at(src, depth + 1)?);
                            }
                            Ok(Frame::Array(items))
                        }
                    }
                }
                other => Err(protocol(format!(
                    "invalid frame type byte {:?}",
                    other as char
                ))),
            }
        }
        parse_at(src, 0)
        // end exercise: frame-parse
    }
    // ANCHOR_END: parse
}
