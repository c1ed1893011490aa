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
use std::io::Cursor;

use bytes::Buf;
use bytes::BytesMut;
use tokio::io::AsyncReadExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};

use crate::frame::Frame;
use crate::frame::ParseError;

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
        // Exercise 6.4 — requirements:
        //  1. Loop: run `Frame::check` on a `Cursor` over `self.buffer`; when a whole
        //     frame is there, remember its length, parse it from the start, drop
        //     exactly that many bytes (`advance`), and return it.
        //  2. A protocol error is returned at once; `Incomplete` means read more.
        //  3. Before reading, flush the write side (`self.stream.flush()`): no whole
        //     request is left, so the replies written so far must go out now.
        //  4. Read with `read_buf(&mut self.buffer)`, which grows the buffer; 0 bytes
        //     read is the end of the stream: `Ok(None)` if the buffer is empty, an
        //     error if part of a frame is in it.
        //  5. A frame that never ends must not grow the buffer for ever: when no whole
        //     frame is there and the buffer already holds `self.limits.max_frame_len`
        //     bytes, return an error instead of reading more.
        // Check your work: cargo test -p chapter-6 -- 6.4
        todo!("6.4: return the next frame, reading more bytes into the \
            buffer until one is whole")
    }
    // ANCHOR_END: read_frame

    // ANCHOR: write_frame
    /// Encodes `frame` into the write buffer. It reaches the peer at the
    /// next flush: the next `read_frame` that finds no whole request, or
    /// [`Connection::flush`].
    pub async fn write_frame(&mut self, frame: &Frame) -> io::Result<()> {
        // Exercise 6.3 — requirements:
        //  1. Write the frame's RESP encoding into `self.stream` (the `BufWriter`):
        //     `+text\r\n`, `-text\r\n`, `:n\r\n`, `$len\r\nbytes\r\n`, `$-1\r\n`, and
        //     for an array `*count\r\n` then each item in turn.
        //  2. Use `write_all`, never `write`; an integer may take 20 characters
        //     (`i64::MIN`).
        //  3. Do not flush: `read_frame` does, when no whole request is left to
        //     answer.
        // Check your work: cargo test -p chapter-6 -- 6.3
        todo!("6.3: encode `frame` into the write buffer")
    }
    // ANCHOR_END: write_frame
}
