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
        // Exercise 6.1 — requirements:
        //  1. Read the type byte with `get_u8`; `+` and `-` are one line (`get_line`),
        //     `:` is one number (`get_decimal`).
        //  2. `$`: a length, -1 for null; below -1 or above `MAX_BULK_LEN` is a
        //     protocol error; else that many bytes, which must be followed by `\r\n`
        //     (anything else is a protocol error).
        //  3. `*`: a count, then that many frames, checked the same way (recursion);
        //     arrays nested deeper than `MAX_DEPTH` are a protocol error, as is any
        //     other type byte.
        //  4. Return `ParseError::Incomplete` whenever the bytes run out, and leave
        //     the cursor just past the frame on `Ok`.
        //  5. Never panic, whatever the bytes: check every number before you use it.
        // Check your work: cargo test -p chapter-6 -- 6.1
        todo!("6.1: walk over one frame in `src`, and say whether all of it \
            has arrived")
    }
    // ANCHOR_END: check

    // ANCHOR: parse
    /// The frame at the start of `src`, with the cursor moved past it.
    /// Call it only after [`Frame::check`] said the whole frame is there.
    pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Frame, ParseError> {
        // Exercise 6.2 — requirements:
        //  1. Follow the rules of 6.1, building the frame as you go: `Frame::Simple`,
        //     `Frame::Error` (text must be UTF-8), `Frame::Integer`, `Frame::Bulk`
        //     (any bytes), `Frame::Null` (`$-1`), `Frame::Array`.
        //  2. Copy a bulk string's bytes out of the buffer (`Bytes::copy_from_slice`):
        //     the buffer is reused for the next frame.
        //  3. Leave the cursor just past the frame; return a protocol error for what
        //     6.1 refuses, and never panic.
        // Check your work: cargo test -p chapter-6 -- 6.2
        todo!("6.2: turn the frame at the start of `src` into a `Frame`")
    }
    // ANCHOR_END: parse
}
