//! Chapter 5, I/O: bytes in, the same bytes out.
//!
//! The learner's code is generic over `AsyncRead + AsyncWrite + Unpin`,
//! so most checks hand it one end of an in-memory `tokio::io::duplex`
//! pipe and play the peer on the other end, with pipes small enough that
//! short reads and short writes happen all the time:
//!
//! - 5.1 and 5.2, the echo handlers, run on a runtime and thread of their
//!   own (named like a server's, so a handler that spins is seen doing
//!   it, [`crate::fixtures::activity`]) while the grader's client runs on
//!   another, with real-time patience;
//! - 5.3, the echo server, is graded over real TCP on port 0, with many
//!   clients at once, plus the shared hygiene and blocking checks;
//! - 5.4, the client, meets a scripted `tokio_test::io::Mock` on a paused
//!   clock, and a duplex peer that answers only after the end of the
//!   request.

use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use tokio::io::{self, AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

use crate::fixtures::{Serve, serving};
use crate::manifest::exercise;
use crate::suite::Suite;

mod client;
mod echo;
mod server;

/// What the grader hands the learner's generic code: any stream that
/// can cross to the learner's thread.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// The public API of a chapter-5 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one item each
/// (`cargo workbook dev gen` writes the chapter's from the solution's).
/// Every method has a default that is not part of the exercise, so a
/// gallery entry writes only the function its mistake is in.
pub trait Api: 'static {
    /// Exercise 5.1: echo by hand; how many bytes were echoed.
    fn echo<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        drop(stream);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 5.2: echo with `io::split` and `io::copy`.
    fn echo_with_copy<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        drop(stream);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 5.3: the echo server.
    fn serve(listener: TcpListener) -> impl Future<Output = io::Result<()>> {
        drop(listener);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 5.4: write a request, shut down, read the whole reply.
    fn request<S: Stream>(stream: S, request: &[u8]) -> impl Future<Output = io::Result<Vec<u8>>> {
        let _ = request;
        drop(stream);
        async { unimplemented!("not part of this gallery entry") }
    }
}

/// An echo handler under test: 5.1's or 5.2's, graded by the same checks.
pub trait Handler: 'static {
    /// The function, as the learner knows it.
    const NAME: &'static str;
    /// Runs the handler on `stream`.
    fn run<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>>;
}

/// Exercise 5.1's handler.
pub struct ByHand<A>(PhantomData<A>);
/// Exercise 5.2's handler.
pub struct WithCopy<A>(PhantomData<A>);
/// Exercise 5.3's server.
pub struct EchoServer<A>(PhantomData<A>);

impl<A: Api> Handler for ByHand<A> {
    const NAME: &'static str = "echo";
    fn run<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        A::echo(stream)
    }
}

impl<A: Api> Handler for WithCopy<A> {
    const NAME: &'static str = "echo_with_copy";
    fn run<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        A::echo_with_copy(stream)
    }
}

impl<A: Api> Serve for EchoServer<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::serve(listener))
    }
}

/// How long learner code may take to answer before a check gives up on
/// it: far more than any correct answer needs (milliseconds), well inside
/// the harness's deadline, so the check can still explain.
pub(crate) fn patience() -> Duration {
    crate::harness::scaled(Duration::from_secs(3))
}

/// [`patience`], as the learner reads it.
pub(crate) fn patience_text() -> String {
    crate::harness::runner::seconds(patience())
}

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    let by_hand = exercise("echo-by-hand");
    let copy = exercise("echo-with-copy");
    let server = exercise("echo-server");
    let request = exercise("request");
    type H<A> = ByHand<A>;
    type C<A> = WithCopy<A>;
    type S<A> = EchoServer<A>;
    Suite::new(
        5,
        package,
        vec![
            check!(
                by_hand,
                echo::payloads_around_the_buffer_size_come_back_exactly::<H<A>>
            ),
            check!(
                by_hand,
                echo::four_mebibytes_of_binary_come_back_exactly::<H<A>>
            ),
            check!(
                by_hand,
                echo::after_the_client_shuts_down_everything_comes_back_then_the_end::<H<A>>
            ),
            check!(
                by_hand,
                echo::bytes_come_back_while_the_client_is_still_sending::<H<A>>
            ),
            check!(
                copy,
                echo::payloads_around_the_buffer_size_come_back_exactly::<C<A>>
            ),
            check!(
                copy,
                echo::four_mebibytes_of_binary_come_back_exactly::<C<A>>
            ),
            check!(
                copy,
                echo::after_the_client_shuts_down_everything_comes_back_then_the_end::<C<A>>
            ),
            check!(
                copy,
                echo::bytes_come_back_while_the_client_is_still_sending::<C<A>>
            ),
            check!(
                server,
                server::fifty_interleaved_clients_each_get_their_own_bytes::<S<A>>
            ),
            check!(
                server,
                server::serves_the_next_client_after_one_leaves::<S<A>>
            ),
            check!(
                server,
                server::the_listener_closes_when_serve_is_dropped::<S<A>>
            ),
            check!(server, server::no_echo_blocks_the_runtime::<S<A>>),
            check!(
                request,
                client::the_whole_request_goes_out_and_the_whole_reply_comes_back::<A>
            ),
            check!(
                request,
                client::the_write_side_is_shut_down_before_the_reply_is_awaited::<A>
            ),
        ],
    )
}

/// The whole `main` of a chapter-5 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}

/// Random binary data of `len` bytes, with NUL, CR, LF and CRLF, bytes
/// above 0x7f and sequences that are not UTF-8 mixed in.
pub(crate) fn binary(rng: &mut crate::seed::Rng, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let word = rng.next_u64().to_le_bytes();
        match word[0] % 8 {
            0 => out.extend_from_slice(b"\r\n"),
            1 => out.push(0),
            _ => out.extend_from_slice(&word[1..]),
        }
    }
    out.truncate(len);
    out
}
