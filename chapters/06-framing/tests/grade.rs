//! Grades this crate with the workbook's chapter-6 checks: `cargo test`.
//!
//! The grader sees the crate through the `Api` trait, implemented here in
//! plain Rust, one item each, and converts frames to and from its own
//! `Resp`. The chapter's copy of this file is written by
//! `cargo workbook dev gen`.

use std::io::Cursor;

use chapter_6::{Connection, Frame, Limits};
use grader::chapters::chapter6::{Api, ParseError, Resp, Stream};
use tokio::net::TcpListener;

struct ThisCrate;

impl Api for ThisCrate {
    type Frame = Frame;
    type Connection<S: Stream> = Connection<S>;

    fn frame(resp: Resp) -> Frame {
        match resp {
            Resp::Simple(s) => Frame::Simple(s),
            Resp::Error(s) => Frame::Error(s),
            Resp::Integer(n) => Frame::Integer(n),
            Resp::Bulk(b) => Frame::Bulk(b),
            Resp::Null => Frame::Null,
            Resp::Array(items) => Frame::Array(items.into_iter().map(Self::frame).collect()),
        }
    }

    fn resp(frame: Frame) -> Resp {
        match frame {
            Frame::Simple(s) => Resp::Simple(s),
            Frame::Error(s) => Resp::Error(s),
            Frame::Integer(n) => Resp::Integer(n),
            Frame::Bulk(b) => Resp::Bulk(b),
            Frame::Null => Resp::Null,
            Frame::Array(items) => Resp::Array(items.into_iter().map(Self::resp).collect()),
        }
    }

    fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
        Frame::check(src).map_err(error)
    }

    fn parse(src: &mut Cursor<&[u8]>) -> Result<Frame, ParseError> {
        Frame::parse(src).map_err(error)
    }

    fn connection<S: Stream>(stream: S) -> Connection<S> {
        Connection::new(stream)
    }

    fn connection_with_max_frame<S: Stream>(stream: S, max_frame_len: usize) -> Connection<S> {
        Connection::with_limits(stream, Limits { max_frame_len })
    }

    async fn write_frame<S: Stream>(
        connection: &mut Connection<S>,
        frame: &Frame,
    ) -> std::io::Result<()> {
        connection.write_frame(frame).await
    }

    async fn flush<S: Stream>(connection: &mut Connection<S>) -> std::io::Result<()> {
        connection.flush().await
    }

    async fn read_frame<S: Stream>(
        connection: &mut Connection<S>,
    ) -> Result<Option<Frame>, String> {
        connection.read_frame().await.map_err(|e| e.to_string())
    }

    async fn run(listener: TcpListener) -> Result<(), String> {
        chapter_6::run(listener).await.map_err(|e| e.to_string())
    }

    async fn run_with_max_frame(listener: TcpListener, max_frame_len: usize) -> Result<(), String> {
        let config = chapter_6::Config {
            limits: Limits { max_frame_len },
            ..chapter_6::Config::default()
        };
        chapter_6::run_with(listener, config)
            .await
            .map_err(|e| e.to_string())
    }
}

/// The crate's parse error as the grader's.
fn error(e: chapter_6::ParseError) -> ParseError {
    match e {
        chapter_6::ParseError::Incomplete => ParseError::Incomplete,
        chapter_6::ParseError::Protocol(why) => ParseError::Protocol(why),
    }
}

fn main() {
    grader::chapters::chapter6::main::<ThisCrate>(env!("CARGO_PKG_NAME"))
}
