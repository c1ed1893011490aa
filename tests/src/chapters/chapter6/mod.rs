//! Chapter 6, Framing: the learner's own RESP parser, `Connection` and
//! complete server.
//!
//! The grader never links the learner's `Frame`: `tests/grade.rs` converts
//! between it and the grader's [`Resp`] (given code), so the checks can
//! build frames, compare them, and run the grader's own reference parser
//! ([`model`]) beside the learner's.
//!
//! - 6.1 and 6.2, the parser, are plain functions on a cursor, called
//!   directly: exact frames, every cut of a frame, bytes that are not
//!   RESP, and seeded random streams compared with the reference.
//! - 6.3 and 6.4, the connection, are generic over the stream, so the
//!   checks drive them over `tokio_test::io::Builder` scripts (every
//!   split of a frame, one byte per read, several frames in one read) and
//!   `tokio::io::duplex` pipes (a 1 MiB bulk, a reply that must come
//!   before a deadline, frames that never end), through a wrapper that
//!   counts writes.
//! - 6.5, the server, runs the shared server checks over real TCP, the
//!   model-based random sessions, and a byte-for-byte replay of exchanges
//!   recorded from redis-server.

use std::future::Future;
use std::io::Cursor;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use crate::checks;
use crate::fixtures::Serve;
use crate::manifest::exercise;
use crate::suite::Suite;

pub mod connection;
pub mod model;
pub mod parser;
pub mod server;

/// A stream a learner's `Connection` can wrap, as the grader uses it.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// A RESP frame, as the grader sees it: the same variants as the
/// chapter's `Frame`, in a type the grader owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resp {
    /// `+OK\r\n`.
    Simple(String),
    /// `-ERR …\r\n`.
    Error(String),
    /// `:42\r\n`.
    Integer(i64),
    /// `$5\r\nhello\r\n`.
    Bulk(Bytes),
    /// `$-1\r\n`.
    Null,
    /// `*2\r\n…`.
    Array(Vec<Resp>),
}

/// Why a parser found no frame: the chapter's `ParseError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// More bytes are needed.
    Incomplete,
    /// Not RESP, whatever comes next.
    Protocol(String),
}

/// The public API of a chapter-6 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one item each
/// (`cargo workbook dev gen` writes the chapter's from the solution's).
/// Every method has a default that is not part of the exercise, so a
/// gallery entry writes only what its mistake is in.
pub trait Api: 'static {
    /// The crate's `Frame`.
    type Frame: Send + 'static;
    /// The crate's `Connection<S>`.
    type Connection<S: Stream>;

    /// Given code: a grader's frame as the crate's.
    fn frame(resp: Resp) -> Self::Frame {
        let _ = resp;
        unimplemented!("not part of this gallery entry")
    }
    /// Given code: the crate's frame as the grader's.
    fn resp(frame: Self::Frame) -> Resp {
        let _ = frame;
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 6.1: `Frame::check`.
    fn check(src: &mut Cursor<&[u8]>) -> Result<(), ParseError> {
        let _ = src;
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 6.2: `Frame::parse`.
    fn parse(src: &mut Cursor<&[u8]>) -> Result<Self::Frame, ParseError> {
        let _ = src;
        unimplemented!("not part of this gallery entry")
    }
    /// Given code: `Connection::new`.
    fn connection<S: Stream>(stream: S) -> Self::Connection<S> {
        let _ = stream;
        unimplemented!("not part of this gallery entry")
    }
    /// Given code: `Connection::with_limits`, a connection whose frames
    /// may take at most `max_frame_len` bytes of its buffer.
    fn connection_with_max_frame<S: Stream>(
        stream: S,
        max_frame_len: usize,
    ) -> Self::Connection<S> {
        let _ = (stream, max_frame_len);
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 6.3: `Connection::write_frame`.
    fn write_frame<S: Stream>(
        connection: &mut Self::Connection<S>,
        frame: &Self::Frame,
    ) -> impl Future<Output = std::io::Result<()>> {
        let _ = (connection, frame);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Given code: `Connection::flush`.
    fn flush<S: Stream>(
        connection: &mut Self::Connection<S>,
    ) -> impl Future<Output = std::io::Result<()>> {
        let _ = connection;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 6.4: `Connection::read_frame`, its error in words.
    fn read_frame<S: Stream>(
        connection: &mut Self::Connection<S>,
    ) -> impl Future<Output = Result<Option<Self::Frame>, String>> {
        let _ = connection;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 6.5: the complete server.
    fn run(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 6.5: the complete server, through the given `run_with`,
    /// with a frame limit of `max_frame_len` bytes on each connection.
    fn run_with_max_frame(
        listener: TcpListener,
        max_frame_len: usize,
    ) -> impl Future<Output = Result<(), String>> {
        let _ = (listener, max_frame_len);
        async { unimplemented!("not part of this gallery entry") }
    }
}

/// Exercise 6.5's server.
pub struct FramedServer<A>(PhantomData<A>);

impl<A: Api> Serve for FramedServer<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::run(listener)
    }
}

/// How long learner code may take before a check gives up on it (well
/// inside the harness's deadline, so the check can still explain).
pub(crate) fn patience() -> Duration {
    crate::harness::scaled(Duration::from_secs(3))
}

/// The deadline of the parser checks: they take milliseconds.
const PARSER_DEADLINE: Duration = Duration::from_secs(5);

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    use checks::{blocking, hygiene, protocol, server as generic, store};
    let check_ex = exercise("frame-check");
    let parse_ex = exercise("frame-parse");
    let write = exercise("write-frame");
    let read = exercise("read-frame");
    let framed = exercise("framed-server");
    type S<A> = FramedServer<A>;
    type M = server::FramedStore;
    Suite::new(
        6,
        package,
        vec![
            check!(
                check_ex,
                parser::check_finds_a_whole_frame_and_its_length::<A>
            )
            .deadline(PARSER_DEADLINE),
            check!(check_ex, parser::check_says_incomplete_for_every_cut::<A>)
                .deadline(PARSER_DEADLINE),
            check!(check_ex, parser::check_refuses_what_is_not_resp::<A>).deadline(PARSER_DEADLINE),
            check!(
                check_ex,
                parser::check_agrees_with_the_reference_on_random_bytes::<A>
            )
            .deadline(PARSER_DEADLINE),
            check!(
                parse_ex,
                parser::parse_returns_the_frame_the_bytes_spell::<A>
            )
            .deadline(PARSER_DEADLINE),
            check!(parse_ex, parser::parse_refuses_what_is_not_resp::<A>).deadline(PARSER_DEADLINE),
            check!(parse_ex, parser::random_frames_parse_to_themselves::<A>)
                .deadline(PARSER_DEADLINE),
            check!(write, connection::every_frame_type_is_written_exactly::<A>),
            check!(
                write,
                connection::random_frames_are_written_as_the_reference_writes_them::<A>
            ),
            check!(write, connection::a_one_mebibyte_bulk_is_written_whole::<A>),
            check!(
                write,
                connection::sixteen_pipelined_requests_get_their_replies_in_one_write::<A>
            ),
            check!(
                read,
                connection::a_frame_split_at_every_byte_reads_the_same::<A>
            ),
            check!(
                read,
                connection::frames_that_arrive_in_one_read_all_come_out_in_order::<A>
            ),
            check!(
                read,
                connection::end_of_stream_is_none_between_frames_and_an_error_inside_one::<A>
            ),
            check!(
                read,
                connection::bytes_that_are_not_resp_are_an_error_at_once::<A>
            ),
            check!(read, connection::a_one_mebibyte_bulk_is_read_whole::<A>),
            check!(
                read,
                connection::a_frame_that_never_ends_is_an_error_not_a_growing_buffer::<A>
            ),
            check!(
                read,
                connection::a_lone_request_is_answered_before_the_deadline::<A>
            ),
            check!(
                read,
                connection::sixteen_pipelined_requests_get_their_replies_in_one_write::<A>
            ),
            check!(
                framed,
                server::replies_match_redis_server_byte_for_byte::<A>
            ),
            check!(framed, server::redis_cli_talks_to_the_server::<A>).requires("redis-cli"),
            check!(framed, server::accepted_sockets_set_nodelay::<A>),
            check!(framed, server::a_request_that_never_ends_is_cut_off::<A>),
            check!(
                framed,
                store::a_set_on_one_connection_is_visible_on_another::<S<A>>
            ),
            check!(
                framed,
                generic::answers_every_command_on_a_connection::<S<A>>
            ),
            check!(framed, server::an_idle_client_does_not_block_others::<S<A>>).guard(),
            check!(framed, protocol::an_error_reply_is_one_frame::<S<A>>),
            check!(
                framed,
                generic::the_server_closes_after_the_client_hangs_up::<S<A>>
            ),
            check!(
                framed,
                generic::serves_the_next_client_after_one_leaves::<S<A>>
            ),
            check!(
                framed,
                generic::a_malformed_frame_gets_an_error_or_a_close::<S<A>>
            ),
            check!(
                framed,
                generic::a_client_leaving_mid_command_does_not_stop_the_server::<S<A>>
            ),
            check!(
                framed,
                hygiene::the_listener_closes_when_serve_is_dropped::<S<A>>
            ),
            check!(framed, hygiene::two_servers_keep_their_own_stores::<S<A>>),
            check!(
                framed,
                checks::model::random_sessions_match_the_model::<S<A>, M>
            ),
            check!(framed, blocking::no_request_blocks_the_runtime::<S<A>, M>),
        ],
    )
}

/// The whole `main` of a chapter-6 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}
