//! Exercises 6.3 and 6.4: a connection that speaks in frames.
//!
//! A [`Connection`] wraps any byte stream — a `TcpStream` in the server, a
//! `tokio::io::duplex` pipe or a scripted mock in the grader — and turns it
//! into a stream of [`Frame`]s both ways.
//!
//! Reading: bytes pile up in `buffer` (a `BytesMut`, which grows when a
//! frame is bigger than it) until [`Frame::check`] finds a whole frame;
//! that frame is parsed and exactly its bytes are dropped from the front
//! of the buffer, so a second frame that came in the same read is still
//! there for the next call.
//!
//! Writing: frames are encoded into a `BufWriter`, which turns many small
//! writes into one system call. Nothing reaches the peer until the
//! `BufWriter` is flushed, and [`Connection::read_frame`] flushes exactly
//! when it is about to wait for the peer: when no whole request is left in
//! the read buffer. Pipelined requests thus get all their replies in one
//! write, and a lone request's reply is never held back.

use std::io;
use std::io::Cursor; // exercise: read-frame

use bytes::Buf; // exercise: read-frame
use bytes::BytesMut;
use tokio::io::AsyncReadExt; // exercise: read-frame
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};

use crate::frame::Frame;
use crate::frame::ParseError; // exercise: read-frame

// ANCHOR: connection
/// A byte stream, read and written a frame at a time.
#[derive(Debug)]
pub struct Connection<S> {
    /// The stream, behind a write buffer: `write_frame` fills the buffer,
    /// a flush sends it. (`BufWriter` passes reads straight through.)
    stream: BufWriter<S>,
    /// What has been read but not yet parsed.
    buffer: BytesMut,
    /// How much the peer may make this connection hold.
    limits: Limits,
}

/// How much one peer may make its connection hold in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of one frame that may sit in the read buffer: a
    /// frame that is still not whole past this many bytes is an error,
    /// so a peer that never finishes its frame cannot grow the buffer for
    /// ever. Redis's `client-query-buffer-limit` is 1 GiB by default; so
    /// is this (a 512 MiB value, with its key, fits).
    pub max_frame_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_frame_len: 1024 * 1024 * 1024,
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// A connection over `stream`, with a 4 KiB read buffer to start with
    /// and the default [`Limits`].
    pub fn new(stream: S) -> Connection<S> {
        Connection::with_limits(stream, Limits::default())
    }

    /// A connection over `stream` that holds its peer to `limits`.
    pub fn with_limits(stream: S, limits: Limits) -> Connection<S> {
        Connection {
            stream: BufWriter::new(stream),
            // Most requests are small; the buffer grows for those that
            // are not.
            buffer: BytesMut::with_capacity(4 * 1024),
            limits,
        }
    }

    /// Sends whatever `write_frame` left in the write buffer.
    pub async fn flush(&mut self) -> io::Result<()> {
        self.stream.flush().await
    }

    /// How many bytes have been read but not yet taken as frames.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// The limits this connection holds its peer to.
    pub fn limits(&self) -> Limits {
        self.limits
    }
    // ANCHOR_END: connection

    // ANCHOR: read_frame
    /// The next frame from the peer: `Ok(None)` when the peer closed the
    /// stream cleanly between frames; an error when it closed it in the
    /// middle of one, or sent bytes that are not RESP.
    pub async fn read_frame(&mut self) -> crate::Result<Option<Frame>> {
        // exercise: read-frame
        // How many bytes `check` has walked over, all calls together, in
        // the frame now coming: see the second limit below.
        let mut walked = 0;
        loop {
            // A whole frame already buffered? Then no read is needed.
            let mut cursor = Cursor::new(&self.buffer[..]);
            match Frame::check(&mut cursor) {
                Ok(()) => {
                    let len = cursor.position() as usize;
                    cursor.set_position(0);
                    let frame = Frame::parse(&mut cursor)?;
                    // Drop this frame's bytes, and only those: the next
                    // frame may already be behind them.
                    self.buffer.advance(len);
                    return Ok(Some(frame));
                }
                Err(ParseError::Incomplete) => walked += cursor.position() as usize,
                Err(e) => {
                    // The requests before the bad bytes were answered:
                    // those replies still go out.
                    self.stream.flush().await?;
                    return Err(e.into());
                }
            }
            // Not whole yet, and already this long: a frame that may never
            // end must not grow the buffer for ever.
            let too_long = self.buffer.len() >= self.limits.max_frame_len;
            // `check` starts again from the frame's first byte after every
            // read. Over a frame of many small parts (an array of a
            // million elements) sent a few bytes at a time, that is work
            // that grows with the square of the frame's length. Past 16
            // walks of the buffer (and 1 MiB walked), the peer is cut off:
            // the server's work stays a constant times what it was sent.
            let too_slow = walked > 16 * self.buffer.len() + 1024 * 1024;
            if too_long || too_slow {
                self.stream.flush().await?;
                let why = if too_long {
                    format!("a frame longer than {} bytes", self.limits.max_frame_len)
                } else {
                    format!("a frame in too many pieces: {walked} bytes walked")
                };
                return Err(ParseError::Protocol(why).into());
            }
            // No whole request is left, so we are about to wait for the
            // peer: send the replies written so far first.
            self.stream.flush().await?;
            // `read_buf` appends after what is buffered, and grows the
            // buffer when it is full.
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return if self.buffer.is_empty() {
                    Ok(None)
                } else {
                    Err("the peer closed the connection in the middle of a frame".into())
                };
            }
        }
        // end exercise: read-frame
    }
    // ANCHOR_END: read_frame

    // ANCHOR: write_frame
    /// Encodes `frame` into the write buffer. It reaches the peer at the
    /// next flush: the next `read_frame` that finds no whole request, or
    /// [`Connection::flush`].
    pub async fn write_frame(&mut self, frame: &Frame) -> io::Result<()> {
        // exercise: write-frame
        /// `kind`, the number `n` and `\r\n`, written on the stack: no
        /// `String` to allocate for every reply. The digits are written
        /// from the end of `buffer` backwards, as dividing by ten yields
        /// them; 24 bytes hold a type byte, the 20 characters of
        /// "-9223372036854775808" and `\r\n`.
        fn header(kind: u8, n: i64, buffer: &mut [u8; 24]) -> &[u8] {
            let mut start = buffer.len() - 2;
            buffer[start..].copy_from_slice(b"\r\n");
            // `unsigned_abs`, because `-i64::MIN` does not fit an `i64`.
            let mut rest = n.unsigned_abs();
            loop {
                start -= 1;
                buffer[start] = b'0' + (rest % 10) as u8;
                rest /= 10;
                if rest == 0 {
                    break;
                }
            }
            if n < 0 {
                start -= 1;
                buffer[start] = b'-';
            }
            start -= 1;
            buffer[start] = kind;
            &buffer[start..]
        }

        let mut digits = [0u8; 24];
        match frame {
            Frame::Simple(text) => {
                self.stream.write_all(b"+").await?;
                self.stream.write_all(text.as_bytes()).await?;
                self.stream.write_all(b"\r\n").await
            }
            Frame::Error(text) => {
                self.stream.write_all(b"-").await?;
                self.stream.write_all(text.as_bytes()).await?;
                self.stream.write_all(b"\r\n").await
            }
            Frame::Integer(n) => self.stream.write_all(header(b':', *n, &mut digits)).await,
            Frame::Bulk(data) => {
                // A length always fits an `i64`: no slice is that long.
                let len = data.len() as i64;
                self.stream
                    .write_all(header(b'$', len, &mut digits))
                    .await?;
                // `write_all`, never `write`: one `write` may take only
                // part of a big value.
                self.stream.write_all(data).await?;
                self.stream.write_all(b"\r\n").await
            }
            Frame::Null => self.stream.write_all(b"$-1\r\n").await,
            Frame::Array(items) => {
                let len = items.len() as i64;
                self.stream
                    .write_all(header(b'*', len, &mut digits))
                    .await?;
                for item in items {
                    // An `async fn` that calls itself must box the call:
                    // its future would otherwise contain itself.
                    Box::pin(self.write_frame(item)).await?;
                }
                Ok(())
            }
        }
        // end exercise: write-frame
    }
    // ANCHOR_END: write_frame
}
