//! `Connection::read_frame` over a stream that delivers the input in
//! pieces of fuzzer-chosen sizes, with a small frame limit: it never
//! panics, and the frames it returns are the frames `Frame::parse` finds
//! in the whole input, in order; a clean end (`Ok(None)`) comes only
//! after every byte was taken as a frame.

#![no_main]

use std::io::{self, Cursor};
use std::pin::Pin;
use std::task::{Context, Poll};

use libfuzzer_sys::fuzz_target;
use solution_6::{Connection, Frame, Limits};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream that reads `data` in pieces of the given sizes and swallows
/// what is written.
struct Pieces {
    data: Vec<u8>,
    at: usize,
    sizes: Vec<u8>,
    next: usize,
}

impl AsyncRead for Pieces {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let size = match self.sizes.get(self.next) {
            Some(&s) => usize::from(s) + 1,
            None => usize::MAX,
        };
        self.next += 1;
        let end = self.data.len().min(self.at.saturating_add(size));
        let n = (end - self.at).min(buf.remaining());
        let at = self.at;
        buf.put_slice(&self.data[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Pieces {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(b.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The frames `Frame::parse` finds one after another in `data`, and
/// whether they use up every byte.
fn whole(data: &[u8]) -> (Vec<Frame>, bool) {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let mut cursor = Cursor::new(&data[at..]);
        match Frame::parse(&mut cursor) {
            Ok(frame) => {
                frames.push(frame);
                at += cursor.position() as usize;
            }
            Err(_) => return (frames, false),
        }
    }
    (frames, true)
}

fuzz_target!(|input: &[u8]| {
    // The first byte: how many piece sizes follow; the rest is the stream.
    let Some((&count, rest)) = input.split_first() else {
        return;
    };
    let count = usize::from(count % 32).min(rest.len());
    let (sizes, data) = rest.split_at(count);
    let stream = Pieces {
        data: data.to_vec(),
        at: 0,
        sizes: sizes.to_vec(),
        next: 0,
    };
    let limits = Limits { max_frame_len: 256 };
    let mut connection = Connection::with_limits(stream, limits);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let (expected, all) = whole(data);
    let mut got = Vec::new();
    let clean = runtime.block_on(async {
        loop {
            match connection.read_frame().await {
                Ok(Some(frame)) => got.push(frame),
                Ok(None) => return true,
                Err(_) => return false,
            }
        }
    });
    assert!(
        got.len() <= expected.len(),
        "more frames than the input holds"
    );
    assert_eq!(got[..], expected[..got.len()]);
    if clean {
        assert!(
            all && got.len() == expected.len(),
            "a clean end before the input was used up"
        );
    }
});
