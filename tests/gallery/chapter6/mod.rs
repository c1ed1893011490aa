//! Known-wrong chapter-6 code, one module per mistake.
//!
//! The entries share a reference implementation, here: the grader's own
//! parser and encoder, a connection over a `BytesMut` and a `BufWriter`,
//! and a small server. Each entry replaces the one piece its mistake is
//! in ([`entry_api!`] takes all five pieces by path).

pub mod check_always_ok;
pub mod check_panics_on_overflow;
pub mod check_skips_bulk_crlf;
pub mod clear_instead_of_advance;
pub mod closes_after_error;
pub mod errors_as_incomplete;
pub mod every_eof_clean;
pub mod fixed_buffer;
pub mod flush_per_frame;
pub mod integer_buffer_too_small;
pub mod mini_redis_errors;
pub mod no_flush;
pub mod no_nodelay;
pub mod one_read;
pub mod parse_constant;
pub mod parse_panics_on_overflow;
pub mod server_forgets_limits;
pub mod server_without_flush;
pub mod unbounded_buffer;
pub mod write_not_write_all;
pub mod write_nothing;
pub mod written_differently;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use bytes::{Buf, Bytes, BytesMut};
use grader::chapters::chapter6::model;
use grader::chapters::chapter6::{ParseError, Resp, Stream};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::TcpListener;

/// The entries' connection.
pub struct Conn<S> {
    pub stream: BufWriter<S>,
    pub buffer: BytesMut,
    /// The most bytes of one unfinished frame the buffer may hold.
    pub max_frame_len: usize,
}

pub fn connection<S: Stream>(stream: S) -> Conn<S> {
    connection_with_max_frame(stream, 1 << 30)
}

pub fn connection_with_max_frame<S: Stream>(stream: S, max_frame_len: usize) -> Conn<S> {
    Conn {
        stream: BufWriter::new(stream),
        buffer: BytesMut::with_capacity(4096),
        max_frame_len,
    }
}

pub fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
    model::parse(src).map(drop)
}

pub fn parse(src: &mut Cursor<&[u8]>) -> Result<Resp, ParseError> {
    model::parse(src)
}

pub async fn write_frame<S: Stream>(c: &mut Conn<S>, frame: &Resp) -> std::io::Result<()> {
    c.stream.write_all(&model::encode(frame)).await
}

pub async fn flush<S: Stream>(c: &mut Conn<S>) -> std::io::Result<()> {
    c.stream.flush().await
}

/// The whole frame at the front of the buffer, if any, taken out of it.
pub fn take_frame(buffer: &mut BytesMut) -> Result<Option<Resp>, String> {
    match model::classify(&buffer[..]) {
        Ok((frame, len)) => {
            buffer.advance(len);
            Ok(Some(frame))
        }
        Err(ParseError::Incomplete) => Ok(None),
        Err(ParseError::Protocol(why)) => Err(why),
    }
}

pub async fn read_frame<S: Stream>(c: &mut Conn<S>) -> Result<Option<Resp>, String> {
    read_frame_with(c, true).await
}

/// The reference `read_frame`, or with `flush` false, one that never
/// flushes the replies written so far.
pub async fn read_frame_with<S: Stream>(
    c: &mut Conn<S>,
    flush: bool,
) -> Result<Option<Resp>, String> {
    loop {
        match take_frame(&mut c.buffer) {
            Ok(Some(frame)) => return Ok(Some(frame)),
            Ok(None) => {}
            Err(why) => {
                let _ = c.stream.flush().await;
                return Err(why);
            }
        }
        if c.buffer.len() >= c.max_frame_len {
            let _ = c.stream.flush().await;
            return Err("a frame longer than the limit".into());
        }
        if flush {
            c.stream.flush().await.map_err(|e| e.to_string())?;
        }
        if c.stream
            .read_buf(&mut c.buffer)
            .await
            .map_err(|e| e.to_string())?
            == 0
        {
            return if c.buffer.is_empty() {
                Ok(None)
            } else {
                Err("end of stream in a frame".into())
            };
        }
    }
}

/// A reply to a request, and whether to close after it.
pub type Reply = fn(&[Bytes], &Mutex<HashMap<Bytes, Bytes>>) -> (Resp, bool);

/// PING, GET and SET with Redis's wrong-arity texts; others a short error.
pub fn reply(words: &[Bytes], db: &Mutex<HashMap<Bytes, Bytes>>) -> (Resp, bool) {
    let name = words[0].to_ascii_lowercase();
    let Ok(mut db) = db.lock() else {
        return (Resp::Error("ERR poisoned".into()), true);
    };
    let frame = match (name.as_slice(), words.len()) {
        (b"ping", 1) => Resp::Simple("PONG".into()),
        (b"ping", 2) => Resp::Bulk(words[1].clone()),
        (b"get", 2) => db.get(&words[1]).cloned().map_or(Resp::Null, Resp::Bulk),
        (b"set", 3) => {
            db.insert(words[1].clone(), words[2].clone());
            Resp::Simple("OK".into())
        }
        (b"set", n) if n > 3 => Resp::Error("ERR syntax error".into()),
        (b"ping" | b"get" | b"set", _) => Resp::Error(format!(
            "ERR wrong number of arguments for '{}' command",
            String::from_utf8_lossy(&name)
        )),
        _ => Resp::Error("ERR unknown command".into()),
    };
    (frame, false)
}

/// A server on the entries' connection, answering with `reply`.
pub async fn serve_with(listener: TcpListener, reply: Reply) -> Result<(), String> {
    serve_flushing(listener, reply, true).await
}

/// [`serve_with`], flushing replies only if `flush` (else they wait in the
/// `BufWriter` until it fills or the client hangs up).
pub async fn serve_flushing(
    listener: TcpListener,
    reply: Reply,
    flush: bool,
) -> Result<(), String> {
    serve_limited(listener, reply, flush, 1 << 30).await
}

/// [`serve_flushing`], with a frame limit of `max_frame_len` bytes on each
/// connection.
pub async fn serve_limited(
    listener: TcpListener,
    reply: Reply,
    flush: bool,
    max_frame_len: usize,
) -> Result<(), String> {
    let db = Arc::new(Mutex::new(HashMap::new()));
    loop {
        let (socket, _) = listener.accept().await.map_err(|e| e.to_string())?;
        let db = Arc::clone(&db);
        tokio::spawn(async move {
            let mut c = connection_with_max_frame(socket, max_frame_len);
            while let Ok(Some(frame)) = read_frame_with(&mut c, flush).await {
                let words: Option<Vec<Bytes>> = match frame {
                    Resp::Array(items) if !items.is_empty() => items
                        .into_iter()
                        .map(|i| match i {
                            Resp::Bulk(b) => Some(b),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                };
                let Some(words) = words else {
                    let _ = write_frame(&mut c, &Resp::Error("ERR Protocol error".into())).await;
                    break;
                };
                let (answer, close) = reply(&words, &db);
                if write_frame(&mut c, &answer).await.is_err() || close {
                    break;
                }
            }
            let _ = c.stream.flush().await;
        });
    }
}

pub async fn run(listener: TcpListener) -> Result<(), String> {
    serve_with(listener, reply).await
}

pub async fn run_with_max_frame(listener: TcpListener, max_frame_len: usize) -> Result<(), String> {
    serve_limited(listener, reply, true, max_frame_len).await
}

/// Implements the chapter's `Api` for `Entry` from five paths: `check`,
/// `parse`, `write_frame`, `read_frame`, `run` (the module's `super::…`
/// for the reference, its own function for its mistake), and a sixth,
/// `run_with_max_frame`, when that is where the mistake is.
#[macro_export]
macro_rules! entry_api6 {
    ($check:path, $parse:path, $write:path, $read:path, $run:path) => {
        $crate::entry_api6!(
            $check,
            $parse,
            $write,
            $read,
            $run,
            $crate::chapter6::run_with_max_frame
        );
    };
    ($check:path, $parse:path, $write:path, $read:path, $run:path, $run_with:path) => {
        pub struct Entry;

        impl grader::chapters::chapter6::Api for Entry {
            type Frame = grader::chapters::chapter6::Resp;
            type Connection<S: grader::chapters::chapter6::Stream> = $crate::chapter6::Conn<S>;

            fn frame(resp: grader::chapters::chapter6::Resp) -> Self::Frame {
                resp
            }
            fn resp(frame: Self::Frame) -> grader::chapters::chapter6::Resp {
                frame
            }
            fn check(
                src: &mut std::io::Cursor<&[u8]>,
            ) -> Result<(), grader::chapters::chapter6::ParseError> {
                $check(src)
            }
            fn parse(
                src: &mut std::io::Cursor<&[u8]>,
            ) -> Result<Self::Frame, grader::chapters::chapter6::ParseError> {
                $parse(src)
            }
            fn connection<S: grader::chapters::chapter6::Stream>(
                stream: S,
            ) -> $crate::chapter6::Conn<S> {
                $crate::chapter6::connection(stream)
            }
            fn connection_with_max_frame<S: grader::chapters::chapter6::Stream>(
                stream: S,
                max_frame_len: usize,
            ) -> $crate::chapter6::Conn<S> {
                $crate::chapter6::connection_with_max_frame(stream, max_frame_len)
            }
            fn write_frame<S: grader::chapters::chapter6::Stream>(
                connection: &mut $crate::chapter6::Conn<S>,
                frame: &Self::Frame,
            ) -> impl std::future::Future<Output = std::io::Result<()>> {
                $write(connection, frame)
            }
            fn flush<S: grader::chapters::chapter6::Stream>(
                connection: &mut $crate::chapter6::Conn<S>,
            ) -> impl std::future::Future<Output = std::io::Result<()>> {
                $crate::chapter6::flush(connection)
            }
            fn read_frame<S: grader::chapters::chapter6::Stream>(
                connection: &mut $crate::chapter6::Conn<S>,
            ) -> impl std::future::Future<Output = Result<Option<Self::Frame>, String>> {
                $read(connection)
            }
            fn run(
                listener: tokio::net::TcpListener,
            ) -> impl std::future::Future<Output = Result<(), String>> {
                $run(listener)
            }
            fn run_with_max_frame(
                listener: tokio::net::TcpListener,
                max_frame_len: usize,
            ) -> impl std::future::Future<Output = Result<(), String>> {
                $run_with(listener, max_frame_len)
            }
        }
    };
}
