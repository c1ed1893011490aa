//! Exercises 6.3 and 6.4: the learner's `Connection`, driven over scripted
//! streams (`tokio_test::io::Builder`), in-memory pipes
//! (`tokio::io::duplex`) and a recorder that keeps every byte written.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};

use super::model::{self, encode};
use super::parser::fixed_frames;
use super::{Api, Resp, patience};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::block_on;
use crate::harness::runner::seconds;
use crate::mistakes::{
    BUFFER_GROWS_FOR_EVER, BUFFER_NEVER_GROWS, CLEAR_INSTEAD_OF_ADVANCE, EVERY_EOF_CLEAN,
    FLUSH_PER_FRAME, INTEGER_BUFFER_TOO_SMALL, MISSING_FLUSH, ONE_READ_PER_FRAME,
    WAITS_ON_BAD_FRAME, WRITE_NOT_WRITE_ALL, WRONG_ENCODING, WRONG_FRAME,
};

/// What the streams below have seen written: the bytes, and how many
/// writes carried them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Written(Arc<Mutex<(Vec<u8>, usize)>>);

impl Written {
    fn add(&self, bytes: &[u8]) {
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        seen.0.extend_from_slice(bytes);
        seen.1 += 1;
    }
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }
    pub(crate) fn writes(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).1
    }
    fn clear(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = (Vec::new(), 0);
    }
}

/// A stream that counts the writes that reach it (each a system call, on
/// a socket), passing everything on to `inner`.
pub(crate) struct Counted<S> {
    inner: S,
    written: Written,
}

impl<S> Counted<S> {
    pub(crate) fn new(inner: S) -> (Counted<S>, Written) {
        let written = Written::default();
        (
            Counted {
                inner,
                written: written.clone(),
            },
            written,
        )
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = poll
            && n > 0
        {
            self.written.add(&buf[..n]);
        }
        poll
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A stream that keeps all that is written to it, and never has anything
/// to read.
pub(crate) struct Recorder;

impl AsyncRead for Recorder {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Poll::Pending
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// `frame` written by the learner's `write_frame` and flushed: the bytes
/// that reached the stream, or what went wrong.
async fn written_by<A: Api>(frames: &[Resp]) -> Result<Vec<u8>, String> {
    let (stream, written) = Counted::new(Recorder);
    let mut connection = A::connection(stream);
    for frame in frames {
        A::write_frame(&mut connection, &A::frame(frame.clone()))
            .await
            .map_err(|e| format!("write_frame returned an error: {e}"))?;
    }
    A::flush(&mut connection)
        .await
        .map_err(|e| format!("flush returned an error: {e}"))?;
    Ok(written.bytes())
}

fn wrong_bytes(frame: &Resp, got: &Result<Vec<u8>, String>) -> Failure {
    let want = encode(frame);
    let failure = Failure::new(format!(
        "write_frame(&{frame:?}), then a flush, wrote {}.",
        match got {
            Ok(bytes) => describe_bytes(bytes),
            Err(e) => e.clone(),
        }
    ))
    .expected(describe_bytes(&want));
    if matches!(frame, Resp::Integer(_)) {
        failure.mistake(INTEGER_BUFFER_TOO_SMALL)
    } else {
        failure.mistake(WRONG_ENCODING)
    }
}

/// The exact bytes of every frame type, one frame at a time: `+OK\r\n`,
/// errors, `:-1\r\n`, `:9223372036854775807\r\n` and the lowest integer,
/// `$-1\r\n`, `$0\r\n\r\n`, `$6\r\nhéllo\r\n`, binary bulk strings with
/// CRLF inside, empty and nested arrays. Catches an integer written
/// through a buffer too small for 20 characters, and frames spelled wrong.
pub fn every_frame_type_is_written_exactly<A: Api>() -> Result<(), Failure> {
    // Non-integers first, so an integer failing alone names its buffer.
    let mut frames = fixed_frames();
    frames.sort_by_key(|f| matches!(f, Resp::Integer(_)));
    block_on(async {
        for frame in &frames {
            let got = written_by::<A>(std::slice::from_ref(frame)).await;
            if got.as_deref() != Ok(&encode(frame)[..]) {
                return Err(wrong_bytes(frame, &got));
            }
        }
        Ok(())
    })
}

/// Seeded random frames (every type, nested, binary, integers at the ends
/// of 64 bits), written one after another on one connection: the bytes
/// are the grader's encoding of each, in order. With 6.2's check that the
/// learner parses the same bytes back, every frame round-trips.
pub fn random_frames_are_written_as_the_reference_writes_them<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let frames: Vec<Resp> = (0..200).map(|_| model::frame(&mut rng, 3)).collect();
    block_on(async {
        for frame in &frames {
            let got = written_by::<A>(std::slice::from_ref(frame)).await;
            if got.as_deref() != Ok(&encode(frame)[..]) {
                return Err(wrong_bytes(frame, &got));
            }
        }
        let all: Vec<u8> = frames.iter().flat_map(encode).collect();
        let got = written_by::<A>(&frames).await;
        if got.as_deref() != Ok(&all[..]) {
            return Err(Failure::new(format!(
                "Each of 200 frames was written right alone, but written one after another on \
                 one connection they came out as {}.",
                match &got {
                    Ok(bytes) => describe_bytes(bytes),
                    Err(e) => e.clone(),
                }
            ))
            .expected(describe_bytes(&all))
            .mistake(WRONG_ENCODING));
        }
        Ok(())
    })
}

/// A bulk string of 1 MiB + 17 bytes, written by `write_frame` into a
/// `duplex` pipe that holds 64 KiB, while the grader reads the other end:
/// every byte arrives. Catches `write` where `write_all` is needed (one
/// `write` may take only part of the buffer it is given).
pub fn a_one_mebibyte_bulk_is_written_whole<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let value: Vec<u8> = (0..(1 << 20) + 17).map(|_| rng.next_u64() as u8).collect();
    let frame = Resp::Bulk(Bytes::from(value));
    let want = encode(&frame);
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    let (got, wrote) = block_on(async {
        let mut connection = A::connection(theirs);
        let writer = async {
            let late = || Err(std::io::Error::other("did not return in time"));
            let wrote = tokio::time::timeout(
                patience(),
                A::write_frame(&mut connection, &A::frame(frame.clone())),
            )
            .await
            .unwrap_or_else(|_| late());
            let flushed = tokio::time::timeout(patience(), A::flush(&mut connection))
                .await
                .unwrap_or_else(|_| late());
            (wrote, flushed)
        };
        let reader = read_at_most(ours, want.len());
        let (wrote, got) = tokio::join!(writer, reader);
        std::mem::forget(connection);
        (got, wrote)
    });
    if got == want {
        return Ok(());
    }
    let failure = Failure::new(format!(
        "write_frame with a bulk string of {} bytes, then a flush, into a pipe that holds 64 KiB \
         while the grader read the other end: {} of its {} bytes arrived within {} ({}).",
        want.len() - 21,
        got.len(),
        want.len(),
        seconds(patience()),
        match wrote {
            (Err(e), _) => format!("write_frame returned an error: {e}"),
            (_, Err(e)) => format!("flush returned an error: {e}"),
            _ => "both returned Ok".to_owned(),
        }
    ))
    .expected(format!("all {} bytes, in order", want.len()));
    Err(
        if got.len() < want.len() && want.starts_with(&got[..got.len().min(16)]) {
            failure.mistake(WRITE_NOT_WRITE_ALL)
        } else {
            failure.mistake(WRONG_ENCODING)
        },
    )
}

/// Reads from `stream` until `want` bytes came, the stream ended, or the
/// grader's patience ran out.
async fn read_at_most(mut stream: DuplexStream, want: usize) -> Vec<u8> {
    let mut got = Vec::with_capacity(want);
    let _ = tokio::time::timeout(patience(), async {
        let mut buf = vec![0; 64 * 1024];
        while got.len() < want {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    got
}

/// A request the grader sends, and the reply its loop writes back.
fn ping(i: usize) -> (Resp, Resp) {
    let word = |b: &[u8]| Resp::Bulk(Bytes::copy_from_slice(b));
    let message = format!("request {i}");
    (
        Resp::Array(vec![word(b"PING"), word(message.as_bytes())]),
        word(message.as_bytes()),
    )
}

/// The learner's connection serving as a server would: read a frame,
/// write its reply, until the stream ends or fails.
async fn echo_loop<A: Api, S: super::Stream>(mut connection: A::Connection<S>) {
    let mut i = 0;
    while let Ok(Some(_)) = A::read_frame(&mut connection).await {
        let (_, reply) = ping(i);
        if A::write_frame(&mut connection, &A::frame(reply))
            .await
            .is_err()
        {
            break;
        }
        i += 1;
    }
    std::mem::forget(connection);
}

/// Reads replies from `stream` until `count` whole frames came or
/// patience ran out: the bytes read.
async fn read_frames(stream: &mut DuplexStream, count: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(patience(), async {
        let mut buf = vec![0; 4096];
        loop {
            let mut at = 0;
            let mut whole = 0;
            while let Ok((_, len)) = model::classify(&got[at..]) {
                at += len;
                whole += 1;
            }
            if whole >= count {
                break;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    got
}

/// One PING request written into a `duplex` pipe that stays open; the
/// learner's connection reads it (`read_frame`), writes the reply
/// (`write_frame`) and reads again, as a server does: the reply reaches
/// the grader within the deadline, though no more requests come. Catches
/// a connection that never flushes its `BufWriter` (the reply sits in the
/// buffer while the server waits for the next request).
pub fn a_lone_request_is_answered_before_the_deadline<A: Api>() -> Result<(), Failure> {
    let (request, reply) = ping(0);
    let want = encode(&reply);
    let got = block_on(async {
        let (mut ours, theirs) = tokio::io::duplex(64 * 1024);
        let server = echo_loop::<A, _>(A::connection(theirs));
        let client = async {
            let _ = ours.write_all(&encode(&request)).await;
            let got = read_frames(&mut ours, 1).await;
            std::mem::forget(ours);
            got
        };
        tokio::select! {
            got = client => got,
            () = server => Vec::new(),
        }
    });
    if got == want {
        return Ok(());
    }
    let failure = Failure::new(format!(
        "The grader wrote one request into a pipe and kept it open; your connection's \
         read_frame, write_frame and read_frame again (as a server does) got {} to the grader \
         within {}.",
        describe_bytes(&got),
        seconds(patience())
    ))
    .sent(encode(&request))
    .expected(describe_bytes(&want));
    Err(if got.is_empty() {
        failure.mistake(MISSING_FLUSH)
    } else {
        failure.mistake(WRONG_ENCODING)
    })
}

/// Sixteen PING requests written in one go into a `duplex` pipe, read
/// and answered by the learner's connection as a server does: all sixteen
/// replies arrive, in one write to the stream (counted by a wrapper).
/// Catches a flush after every frame (sixteen system calls on a socket,
/// and with Nagle's algorithm, a 40 ms wait between some of them); a lone
/// request's reply must still not wait (the check above).
pub fn sixteen_pipelined_requests_get_their_replies_in_one_write<A: Api>() -> Result<(), Failure> {
    let requests: Vec<u8> = (0..16).flat_map(|i| encode(&ping(i).0)).collect();
    let want: Vec<u8> = (0..16).flat_map(|i| encode(&ping(i).1)).collect();
    let (got, writes) = block_on(async {
        let (mut ours, theirs) = tokio::io::duplex(64 * 1024);
        let (stream, written) = Counted::new(theirs);
        // All sixteen are in the pipe before the connection reads any.
        let _ = ours.write_all(&requests).await;
        written.clear();
        let server = echo_loop::<A, _>(A::connection(stream));
        let client = async {
            let got = read_frames(&mut ours, 16).await;
            std::mem::forget(ours);
            got
        };
        let got = tokio::select! {
            got = client => got,
            () = server => Vec::new(),
        };
        (got, written.writes())
    });
    if got != want {
        let failure = Failure::new(format!(
            "Sixteen requests in one write; your connection (read_frame, write_frame, again) \
             sent back {}.",
            describe_bytes(&got)
        ))
        .expected(describe_bytes(&want));
        return Err(if got.is_empty() {
            failure.mistake(MISSING_FLUSH)
        } else {
            failure.mistake(WRONG_ENCODING)
        });
    }
    if writes == 1 {
        return Ok(());
    }
    Err(Failure::new(format!(
        "Sixteen requests arrived in one read; their sixteen replies were right, but reached \
         the stream in {writes} writes."
    ))
    .expected(
        "one write: flush when no whole request is left in the read buffer, not after each reply",
    )
    .mistake(FLUSH_PER_FRAME))
}

/// What `read_frame` returned, in words.
fn show_read(got: &Result<Option<Resp>, String>) -> String {
    match got {
        Ok(Some(frame)) => format!("Ok(Some({frame:?}))"),
        Ok(None) => "Ok(None)".to_owned(),
        Err(e) => format!("Err({e:?})"),
    }
}

/// Reads frames from a scripted stream until `Ok(None)`, an error, or
/// `limit` frames; the last result is the one that stopped it.
async fn read_all<A: Api>(
    mock: tokio_test::io::Mock,
    limit: usize,
) -> Vec<Result<Option<Resp>, String>> {
    let mut connection = A::connection(mock);
    let mut out = Vec::new();
    while out.len() < limit {
        let got = match tokio::time::timeout(patience(), A::read_frame(&mut connection)).await {
            Ok(got) => got.map(|f| f.map(A::resp)),
            Err(_) => Err(format!("nothing within {}", seconds(patience()))),
        };
        let stop = !matches!(got, Ok(Some(_)));
        out.push(got);
        if stop {
            break;
        }
    }
    // A mock dropped with reads left panics: the learner's reads are graded
    // by what they returned, not by that.
    std::mem::forget(connection);
    out
}

/// The frames a scripted stream must give, then `Ok(None)`.
fn want_then_none(frames: &[Resp]) -> Vec<Result<Option<Resp>, String>> {
    frames
        .iter()
        .map(|f| Ok(Some(f.clone())))
        .chain(std::iter::once(Ok(None)))
        .collect()
}

fn show_reads(reads: &[Result<Option<Resp>, String>]) -> String {
    reads
        .iter()
        .map(show_read)
        .collect::<Vec<_>>()
        .join(", then ")
}

fn request_frames() -> Vec<Resp> {
    let word = |b: &[u8]| Resp::Bulk(Bytes::copy_from_slice(b));
    vec![
        Resp::Array(vec![
            word(b"SET"),
            word("clé".as_bytes()),
            word(b"a\r\n$1\r\nb\0"),
        ]),
        Resp::Array(vec![
            Resp::Integer(-7),
            Resp::Array(vec![Resp::Null, Resp::Simple("OK".into())]),
        ]),
    ]
}

/// Each of two frames split into two reads at every byte, then each read
/// one byte at a time (`tokio_test::io::Builder` scripts): `read_frame`
/// returns the frame, then `Ok(None)` at the end of the script. Catches a
/// `read_frame` that reads once and parses whatever came.
pub fn a_frame_split_at_every_byte_reads_the_same<A: Api>() -> Result<(), Failure> {
    block_on(async {
        for frame in request_frames() {
            let bytes = encode(&frame);
            let mut scripts: Vec<(String, Vec<&[u8]>)> = (1..bytes.len())
                .map(|cut| {
                    (
                        format!(
                            "{} then {}",
                            describe_bytes(&bytes[..cut]),
                            describe_bytes(&bytes[cut..])
                        ),
                        vec![&bytes[..cut], &bytes[cut..]],
                    )
                })
                .collect();
            scripts.push((
                format!("{} one byte per read", describe_bytes(&bytes)),
                bytes.chunks(1).collect(),
            ));
            // Each mock is built only when it runs: a mock dropped with
            // reads left panics.
            for (what, reads) in scripts {
                let mut builder = tokio_test::io::Builder::new();
                for read in reads {
                    builder.read(read);
                }
                let mock = builder.build();
                let got = read_all::<A>(mock, 3).await;
                let want = want_then_none(std::slice::from_ref(&frame));
                if got != want {
                    let failure = Failure::new(format!(
                        "The stream delivered {what}, then ended. read_frame returned {}.",
                        show_reads(&got)
                    ))
                    .expected(show_reads(&want));
                    return Err(match got.first() {
                        Some(Ok(Some(f))) if *f != frame => failure.mistake(WRONG_FRAME),
                        _ => failure.mistake(ONE_READ_PER_FRAME),
                    });
                }
            }
        }
        Ok(())
    })
}

/// Three frames in one read, then three more in the next: `read_frame`
/// returns all six, in order, then `Ok(None)`. Catches a buffer cleared
/// after a frame (`clear()` where `advance(len)` drops only that frame's
/// bytes): the frames behind it are lost.
pub fn frames_that_arrive_in_one_read_all_come_out_in_order<A: Api>() -> Result<(), Failure> {
    let mut frames = request_frames();
    frames.push(ping(1).0);
    let first: Vec<u8> = frames.iter().flat_map(encode).collect();
    let mut second_frames = fixed_frames();
    second_frames.truncate(3);
    let second: Vec<u8> = second_frames.iter().flat_map(encode).collect();
    let mock = tokio_test::io::Builder::new()
        .read(&first)
        .read(&second)
        .build();
    let got = block_on(read_all::<A>(mock, 8));
    frames.extend(second_frames);
    let want = want_then_none(&frames);
    if got == want {
        return Ok(());
    }
    let failure = Failure::new(format!(
        "The stream delivered three frames in one read, {}, then three more in one read, \
         {}, then ended. read_frame returned {}.",
        describe_bytes(&first),
        describe_bytes(&second),
        show_reads(&got)
    ))
    .expected(show_reads(&want));
    let came: Vec<&Resp> = got
        .iter()
        .filter_map(|g| g.as_ref().ok().and_then(|f| f.as_ref()))
        .collect();
    let mut rest = frames.iter();
    let in_order = came.iter().all(|c| rest.any(|f| f == *c));
    let lost = in_order && !came.is_empty() && came.len() < frames.len();
    Err(if lost {
        failure.mistake(CLEAR_INSTEAD_OF_ADVANCE)
    } else {
        failure.mistake(WRONG_FRAME)
    })
}

/// A stream that ends at once gives `Ok(None)`; one that ends after a
/// whole frame gives the frame, then `Ok(None)`; one that ends in the
/// middle of a frame (at several places) gives an error: a client that
/// hung up mid-request is not a clean goodbye. Catches every end of
/// stream treated as clean.
pub fn end_of_stream_is_none_between_frames_and_an_error_inside_one<A: Api>() -> Result<(), Failure>
{
    let frame = request_frames().swap_remove(0);
    let bytes = encode(&frame);
    block_on(async {
        let got = read_all::<A>(tokio_test::io::Builder::new().build(), 2).await;
        if got != want_then_none(&[]) {
            return Err(Failure::new(format!(
                "The stream ended before any byte came. read_frame returned {}.",
                show_reads(&got)
            ))
            .expected("Ok(None): a clean end of stream"));
        }
        for cut in [1, 4, bytes.len() / 2, bytes.len() - 1] {
            let mock = tokio_test::io::Builder::new().read(&bytes[..cut]).build();
            let got = read_all::<A>(mock, 2).await;
            if !matches!(got.as_slice(), [Err(_)]) {
                return Err(Failure::new(format!(
                    "The stream delivered {} (the first {cut} bytes of {}), then ended. \
                     read_frame returned {}.",
                    describe_bytes(&bytes[..cut]),
                    describe_bytes(&bytes),
                    show_reads(&got)
                ))
                .expected("an error: the peer hung up in the middle of a frame")
                .mistake(if matches!(got.as_slice(), [Ok(None)]) {
                    EVERY_EOF_CLEAN
                } else {
                    ONE_READ_PER_FRAME
                }));
            }
        }
        Ok(())
    })
}

/// Bytes that are not RESP (a bad type byte, a length that overflows 64
/// bits) written into a pipe that stays open: `read_frame` returns an
/// error within the deadline, without waiting for more bytes. Catches a
/// protocol error taken for a frame not yet complete.
pub fn bytes_that_are_not_resp_are_an_error_at_once<A: Api>() -> Result<(), Failure> {
    for input in [&b"%oops\r\n"[..], b"*1\r\n$18446744073709551615\r\n"] {
        let got = block_on(async {
            let (mut ours, theirs) = tokio::io::duplex(64 * 1024);
            let mut connection = A::connection(theirs);
            let _ = ours.write_all(input).await;
            let got = match tokio::time::timeout(patience(), A::read_frame(&mut connection)).await {
                Ok(got) => got.map(|f| f.map(A::resp)),
                Err(_) => Err(String::new()),
            };
            std::mem::forget((ours, connection));
            got
        });
        match got {
            Err(e) if !e.is_empty() => {}
            other => {
                let failure = Failure::new(format!(
                    "The grader wrote {} into a pipe and kept it open. read_frame {}.",
                    describe_bytes(input),
                    match &other {
                        Err(_) => format!("returned nothing within {}", seconds(patience())),
                        got => format!("returned {}", show_read(got)),
                    }
                ))
                .expected("an error at once: more bytes cannot turn these into a frame");
                return Err(if other.is_err() {
                    failure.mistake(WAITS_ON_BAD_FRAME)
                } else {
                    failure.mistake(WRONG_FRAME)
                });
            }
        }
    }
    Ok(())
}

/// A SET whose value is 1 KiB, then one whose value is 1 MiB, written
/// into a `duplex` pipe of 64 KiB while `read_frame` reads: both frames
/// come out whole. Catches a read buffer that never grows beyond its
/// first 4 KiB.
pub fn a_one_mebibyte_bulk_is_read_whole<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let mut frame = |size: usize| {
        let value: Vec<u8> = (0..size).map(|_| rng.next_u64() as u8).collect();
        Resp::Array(vec![
            Resp::Bulk(Bytes::from_static(b"SET")),
            Resp::Bulk(Bytes::from_static(b"big")),
            Resp::Bulk(Bytes::from(value)),
        ])
    };
    for size in [1024, 1 << 20] {
        let frame = frame(size);
        let bytes = encode(&frame);
        let got = block_on(async {
            let (mut ours, theirs) = tokio::io::duplex(64 * 1024);
            let mut connection = A::connection(theirs);
            // The writer never ends by itself: the pipe stays open until
            // the reader has returned, whatever it returned.
            let writer = async {
                let _ = ours.write_all(&bytes).await;
                std::future::pending::<()>().await;
            };
            let reader = async {
                match tokio::time::timeout(patience(), A::read_frame(&mut connection)).await {
                    Ok(got) => got.map(|f| f.map(A::resp)),
                    Err(_) => Err(format!("nothing within {}", seconds(patience()))),
                }
            };
            let got = tokio::select! {
                got = reader => got,
                () = writer => Err(String::new()),
            };
            std::mem::forget(connection);
            got
        });
        if got != Ok(Some(frame.clone())) {
            let shown = match &got {
                Ok(Some(Resp::Array(items))) => format!(
                    "Ok(Some(an array of {} frames, not the SET that was sent))",
                    items.len()
                ),
                other => show_read(other),
            };
            let failure = Failure::new(format!(
                "The grader wrote a SET whose value is {size} bytes ({} bytes in all) into a \
                 pipe of 64 KiB. read_frame returned {shown}.",
                bytes.len()
            ))
            .expected("Ok(Some(that SET)), every byte of its value");
            return Err(if size > 4096 {
                failure.mistake(BUFFER_NEVER_GROWS)
            } else {
                failure.mistake(WRONG_FRAME)
            });
        }
    }
    Ok(())
}

/// The frame limit `a_frame_that_never_ends_is_an_error_not_a_growing_buffer`
/// gives the connection.
const SMALL_FRAME_LIMIT: usize = 64 * 1024;

/// Two frames that never end, each written into a `duplex` pipe of 16 KiB
/// while `read_frame` reads, on a connection made with a frame limit of
/// 64 KiB (`Connection::with_limits`): an array that announces 2^62
/// elements, then sends small ones for ever; and a SET whose value is
/// 512 MiB (the most RESP allows), whose data keeps coming. `read_frame`
/// returns an error before the grader has written twice the limit.
/// Catches a read loop that reads for as long as the peer sends, so that
/// one client can take all the server's memory.
pub fn a_frame_that_never_ends_is_an_error_not_a_growing_buffer<A: Api>() -> Result<(), Failure> {
    let cases: [(&str, &[u8], &[u8]); 2] = [
        (
            "an array that announces 4611686018427387904 elements, then sends `$1\\r\\nx\\r\\n` for ever",
            b"*4611686018427387904\r\n",
            b"$1\r\nx\r\n",
        ),
        (
            "a SET whose value is announced as 536870912 bytes, whose data keeps coming",
            b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n",
            b"value: ",
        ),
    ];
    // The grader writes no more than this, then holds the pipe open.
    let most = 4 * SMALL_FRAME_LIMIT;
    for (what, head, element) in cases {
        let chunk = element.repeat(4096 / element.len());
        let written = std::cell::Cell::new(0usize);
        let got = block_on(async {
            let (mut ours, theirs) = tokio::io::duplex(16 * 1024);
            let mut connection = A::connection_with_max_frame(theirs, SMALL_FRAME_LIMIT);
            let writer = async {
                if ours.write_all(head).await.is_ok() {
                    written.set(head.len());
                    while written.get() < most && ours.write_all(&chunk).await.is_ok() {
                        written.set(written.get() + chunk.len());
                    }
                }
                std::future::pending::<()>().await;
            };
            // `None`: nothing within the check's patience.
            let reader = async {
                tokio::time::timeout(patience(), A::read_frame(&mut connection))
                    .await
                    .ok()
                    .map(|got| got.map(|f| f.map(A::resp)))
            };
            // The writer never ends by itself: it holds the pipe open.
            let got = tokio::select! {
                got = reader => got,
                () = writer => None,
            };
            std::mem::forget(connection);
            got
        });
        let written = written.get();
        let failure = |said: String| {
            Failure::new(format!(
                "The grader made a connection with `max_frame_len` {SMALL_FRAME_LIMIT} and wrote \
                 {what}. {said}"
            ))
            .expected(format!(
                "an error from read_frame once {SMALL_FRAME_LIMIT} bytes of the frame are \
                 buffered, before the grader has written {}",
                2 * SMALL_FRAME_LIMIT
            ))
        };
        match got {
            None if written > 2 * SMALL_FRAME_LIMIT => {
                return Err(failure(format!(
                    "read_frame took more than {} bytes of that frame, and after {} had \
                     returned nothing.",
                    2 * SMALL_FRAME_LIMIT,
                    seconds(patience())
                ))
                .mistake(BUFFER_GROWS_FOR_EVER));
            }
            None => {
                return Err(failure(format!(
                    "read_frame took {written} bytes of that frame, and after {} had returned \
                     nothing.",
                    seconds(patience())
                ))
                .mistake(BUFFER_GROWS_FOR_EVER));
            }
            Some(Err(_)) if written <= 2 * SMALL_FRAME_LIMIT => {}
            Some(Err(why)) => {
                return Err(failure(format!(
                    "read_frame returned an error ({why}) only after the grader had written \
                     {written} bytes."
                ))
                .mistake(BUFFER_GROWS_FOR_EVER));
            }
            Some(other) => {
                return Err(
                    failure(format!("read_frame returned {}.", show_read(&other)))
                        .mistake(WRONG_FRAME),
                );
            }
        }
    }
    Ok(())
}
