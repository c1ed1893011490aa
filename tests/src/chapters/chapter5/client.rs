//! Exercise 5.4: the client, against a scripted mock and a strict peer.
//!
//! Both checks run on a paused clock: nothing here waits for real time, so
//! a client that waits for a reply that never comes is found out at once
//! (the clock jumps to the timeout as soon as every task waits).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio_test::io::Mock;

use super::{Api, binary, patience, patience_text};
use crate::failure::{Failure, describe_bytes};
use crate::mistakes::{ANSWER_WITHOUT_ASKING, NO_SHUTDOWN, REPLY_READ_ONCE, WRITE_NOT_WRITE_ALL};

/// What the learner's client did to a [`Scripted`] stream.
#[derive(Debug, Default)]
struct Log {
    /// The bytes it wrote that matched the script, in order.
    written: Vec<u8>,
    /// A write that did not match the script.
    wrong: Option<Vec<u8>>,
}

/// A `tokio_test` mock that never panics on the learner: writes are held
/// against the script here first (a mismatch is an error, recorded), and
/// the mock, whose drop asserts that the script was played out, is never
/// dropped.
struct Scripted {
    mock: Option<Mock>,
    request: Arc<Vec<u8>>,
    log: Arc<Mutex<Log>>,
}

impl Scripted {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        std::mem::forget(self.mock.take());
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.mock.as_mut() {
            Some(mock) => Pin::new(mock).poll_read(cx, buf),
            None => Poll::Ready(Ok(())),
        }
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let n = {
            let mut log = self.log();
            let remaining = &self.request[log.written.len()..];
            let n = buf.len().min(remaining.len());
            if n == 0 || buf[..n] != remaining[..n] {
                log.wrong = Some(buf.to_vec());
                return Poll::Ready(Err(io::Error::other(
                    "the grader's mock server expected other bytes",
                )));
            }
            n
        };
        let Some(mock) = self.mock.as_mut() else {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        };
        let polled = Pin::new(mock).poll_write(cx, &buf[..n]);
        if let Poll::Ready(Ok(k)) = polled {
            self.log().written.extend_from_slice(&buf[..k]);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.mock.as_mut() {
            Some(mock) => Pin::new(mock).poll_flush(cx),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A runtime of one thread on a paused clock.
fn paused<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("grader: cannot start a runtime")
        .block_on(future)
}

/// What the learner's `request` returned, in words.
fn show(returned: &Option<io::Result<Vec<u8>>>) -> String {
    match returned {
        Some(Ok(reply)) => format!("Ok(a reply of {} bytes)", reply.len()),
        Some(Err(e)) => format!("Err({e})"),
        None => format!("nothing: still waiting after {}", patience_text()),
    }
}

/// A scripted server (`tokio_test::io::Builder`) takes the request in two
/// writes with a pause between (so one `write` call takes only the first
/// part), then sends the reply in three pieces with pauses between; the
/// request and reply are random binary of a few KB. The client must write
/// the whole request and return the whole reply. Catches `write` instead
/// of `write_all`, a single `read` for the reply, and a function that
/// returns something without asking.
pub fn the_whole_request_goes_out_and_the_whole_reply_comes_back<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let len = rng.range(200..3000);
    let request = Arc::new(binary(&mut rng, len));
    let split = rng.range(1..len);
    let len = rng.range(300..3000);
    let reply = binary(&mut rng, len);
    let (a, b) = (rng.range(1..len / 3), rng.range(len / 3..len - 1));
    let pause = Duration::from_millis(10);
    let mock = tokio_test::io::Builder::new()
        .write(&request[..split])
        .wait(pause)
        .write(&request[split..])
        .read(&reply[..a])
        .wait(pause)
        .read(&reply[a..b])
        .wait(pause)
        .read(&reply[b..])
        .build();
    let log = Arc::new(Mutex::new(Log::default()));
    let stream = Scripted {
        mock: Some(mock),
        request: Arc::clone(&request),
        log: Arc::clone(&log),
    };
    let returned = paused(async {
        tokio::time::timeout(patience(), A::request(stream, &request))
            .await
            .ok()
    });
    let log = log.lock().unwrap_or_else(|p| p.into_inner());
    if matches!(&returned, Some(Ok(got)) if *got == reply) && log.written == *request {
        return Ok(());
    }
    let what = format!(
        "A scripted server took the {} bytes of the request in two parts ({split} bytes, a \
         pause, then the rest) and then sent a {} byte reply in three pieces, with pauses \
         between. Your `request` wrote {} bytes of the request and returned {}.",
        request.len(),
        reply.len(),
        log.written.len(),
        show(&returned)
    );
    let mut failure = Failure::new(what)
        .sent(log.written.clone())
        .expected(format!(
            "the whole request written, then Ok(the whole reply, {} bytes)",
            reply.len()
        ));
    if let Some(Ok(got)) = &returned {
        failure = failure.received(got.clone());
    }
    if let Some(wrong) = &log.wrong {
        let mut failure = failure;
        failure.what.push_str(&format!(
            " It then wrote bytes the request does not have there: {}.",
            describe_bytes(wrong)
        ));
        return Err(failure);
    }
    Err(if log.written.is_empty() && returned.is_some() {
        failure.mistake(ANSWER_WITHOUT_ASKING)
    } else if log.written.len() < request.len() {
        failure.mistake(WRITE_NOT_WRITE_ALL)
    } else {
        match &returned {
            Some(Ok(got)) if got.len() < reply.len() && reply.starts_with(got) => {
                failure.mistake(REPLY_READ_ONCE)
            }
            _ => failure,
        }
    })
}

/// A peer on the other end of a 64-byte pipe reads the request to its
/// end — it answers only once the client has shut down its write side,
/// as a server that needs the whole request does — checks it, then sends
/// a random binary reply of up to 20 KB and closes. The client must
/// return exactly that reply. Catches a missing `shutdown` (both sides
/// wait for each other; the check sees it at once on a paused clock) and
/// `write` instead of `write_all`.
pub fn the_write_side_is_shut_down_before_the_reply_is_awaited<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let len = rng.range(100..5000);
    let request = binary(&mut rng, len);
    let len = rng.range(1..20_000);
    let reply = binary(&mut rng, len);
    let (client, mut peer) = tokio::io::duplex(64);
    let (returned, (received, eof, _peer)) = paused(async {
        let learner = async {
            tokio::time::timeout(patience(), A::request(client, &request))
                .await
                .ok()
        };
        let server = async {
            let mut received = Vec::new();
            let mut buffer = [0u8; 256];
            let read = async {
                loop {
                    match peer.read(&mut buffer).await {
                        Ok(0) => return true,
                        Ok(n) => received.extend_from_slice(&buffer[..n]),
                        Err(_) => return false,
                    }
                }
            };
            // Half the learner's patience: the client gives up after the
            // server did, so the end of the stream its giving up causes is
            // never taken for a shutdown.
            let eof = tokio::time::timeout(patience() / 2, read)
                .await
                .unwrap_or(false);
            if eof {
                let _ = peer.write_all(&reply).await;
                let _ = peer.shutdown().await;
            }
            // Kept open until the client is done: dropping it would end
            // the stream the client may still be reading.
            (received, eof, peer)
        };
        tokio::join!(learner, server)
    });
    if eof && received == request && matches!(&returned, Some(Ok(got)) if *got == reply) {
        return Ok(());
    }
    let failure = Failure::new(format!(
        "A server that answers once the request has ended (once it reads the end of the \
         stream) got {} of the {} request bytes, {}; your `request` returned {}.",
        received.len(),
        request.len(),
        if eof {
            "then the end of the stream"
        } else {
            "and no end of the stream"
        },
        show(&returned)
    ))
    .sent(received.clone())
    .expected(format!(
        "the whole request, the end of the stream, then Ok(the {} byte reply)",
        reply.len()
    ));
    let failure = match &returned {
        Some(Ok(got)) => failure.received(got.clone()),
        _ => failure,
    };
    Err(if !eof && received == request && returned.is_none() {
        failure.mistake(NO_SHUTDOWN)
    } else if received.is_empty() && returned.is_some() {
        failure.mistake(ANSWER_WITHOUT_ASKING)
    } else if received.len() < request.len() && request.starts_with(&received) {
        failure.mistake(WRITE_NOT_WRITE_ALL)
    } else {
        match &returned {
            Some(Ok(got)) if got.len() < reply.len() && reply.starts_with(got) => {
                failure.mistake(REPLY_READ_ONCE)
            }
            _ => failure,
        }
    })
}
