//! Exercises 5.1 and 5.2: an echo handler, fed through an in-memory pipe.
//!
//! The handler runs on a runtime and thread of its own, named like a
//! learner's server ([`activity::SERVER_THREAD`]), and the grader's client
//! plays the other end of a `tokio::io::duplex` pipe. A small pipe makes
//! short reads and short writes happen all the time, as on a busy
//! network: a pipe of 7 bytes takes at most 7 at a time, so a `write` of
//! more returns early, and a client that reads slowly keeps the way back
//! nearly full.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::oneshot;

use super::{Handler, binary, patience, patience_text};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::activity::{self, SERVER_THREAD};
use crate::fixtures::block_on;
use crate::mistakes::{
    BUSY_LOOP, ECHO_NOT_EXACT, EOF_IGNORED, READS_TO_END_FIRST, STOPS_BEFORE_EOF,
    WRITE_NOT_WRITE_ALL,
};

/// Starts `make()`'s future on a multi-thread runtime of its own, on a
/// thread of its own, both named like a learner's server so that
/// [`activity::within`] sees what it does. The future is made and driven
/// on that thread, so it need not be `Send`. The receiver gets its output;
/// it errs if the future panicked.
pub(crate) fn start_learner<T, F>(make: impl FnOnce() -> F + Send + 'static) -> oneshot::Receiver<T>
where
    T: Send + 'static,
    F: Future<Output = T> + 'static,
{
    let (done, output) = oneshot::channel();
    std::thread::Builder::new()
        .name(SERVER_THREAD.into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name(SERVER_THREAD)
                .enable_all()
                .build()
                .expect("grader: cannot start the learner's runtime");
            let result = runtime.block_on(make());
            let _ = done.send(result);
            runtime.shutdown_background();
        })
        .expect("grader: cannot start the learner's thread");
    output
}

/// How the handler's function ended, as far as the grader saw.
#[derive(Debug)]
enum Returned {
    Value(io::Result<u64>),
    Panicked,
    NotYet,
}

impl Returned {
    async fn wait(output: oneshot::Receiver<io::Result<u64>>) -> Returned {
        match tokio::time::timeout(patience(), output).await {
            Ok(Ok(value)) => Returned::Value(value),
            Ok(Err(_)) => Returned::Panicked,
            Err(_) => Returned::NotYet,
        }
    }
}

/// What the grader's client saw of one exchange with the handler.
#[derive(Debug, Default)]
struct Seen {
    /// Everything that came back, in order.
    got: Vec<u8>,
    /// The handler's side closed (the client read the end of the stream).
    ended: bool,
    /// The client wrote everything and shut down its write side.
    shut_down: bool,
    /// The exchange ended within the patience.
    finished: bool,
    /// It had not, but bytes were still coming back at the end: slow,
    /// not stuck (only known when the handler ran beside the client).
    still_coming: bool,
    /// How long the client waited, when it waited longer than the
    /// patience because bytes kept coming back.
    waited: Option<Duration>,
}

/// How many windows of half the patience a slow echo may take, bytes
/// coming back in each: 20 times the patience (a minute, unscaled). An
/// echo that moves a byte per read and write is correct, only slow, and
/// speed is for benchmarks to measure: it should pass on a fast machine
/// and a slow one alike, not on one and fail on the other. Only an echo
/// that makes no progress for a whole window is stuck.
const SLOW_WINDOWS: u32 = 40;

/// Plays the client on `client`, into `seen`: writes `payload`, shuts
/// down the write side, and reads (`read_chunk` bytes at a time) until the
/// end of the stream. With `shut_down_first`, reads nothing until the
/// shutdown is done (`payload` must then fit in the pipe, both ways);
/// otherwise reads while writing. Runs until the end of the stream: the
/// caller bounds it in time.
async fn exchange(
    seen: &mut Seen,
    progress: &Cell<usize>,
    client: DuplexStream,
    payload: &[u8],
    shut_down_first: bool,
    read_chunk: usize,
) {
    let (mut reader, mut writer) = tokio::io::split(client);
    let (got, ended, shut_down) = (&mut seen.got, &mut seen.ended, &mut seen.shut_down);
    let write = async {
        if writer.write_all(payload).await.is_ok() && writer.shutdown().await.is_ok() {
            *shut_down = true;
        }
    };
    let read = async {
        let mut buffer = vec![0u8; read_chunk];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) => {
                    *ended = true;
                    break;
                }
                Ok(n) => {
                    got.extend_from_slice(&buffer[..n]);
                    progress.set(got.len());
                }
                Err(_) => break,
            }
            // A client slower than the handler: the way back fills.
            tokio::task::yield_now().await;
        }
    };
    if shut_down_first {
        write.await;
        read.await;
    } else {
        tokio::join!(write, read);
    }
}

/// Whether `part` looks like `whole` with runs of bytes left out, as
/// short writes leave it: it begins as `whole` does (a first write into
/// an empty pipe is taken whole, at least its first bytes), and the rest
/// of it appears in `whole` in order.
fn is_whole_with_gaps(part: &[u8], whole: &[u8]) -> bool {
    let head = part.len().min(whole.len()).min(4);
    let mut rest = whole.iter();
    whole.starts_with(&part[..head]) && part.iter().all(|b| rest.any(|w| w == b))
}

/// Where `got` first differs from `sent`, in words: the offset, and a few
/// bytes of each from there.
pub(crate) fn first_difference(sent: &[u8], got: &[u8]) -> String {
    let at = sent
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(sent.len().min(got.len()));
    let window =
        |bytes: &[u8]| describe_bytes(&bytes[at.min(bytes.len())..(at + 12).min(bytes.len())]);
    format!(
        "the first {at} bytes came back right; from byte {at} on, the client sent {} and got {}",
        window(sent),
        window(got)
    )
}

/// Runs one exchange of `payload` with handler `H` through a pipe of
/// `capacity` bytes, and judges it: exactly the payload back, the end of
/// the stream, and `Ok(payload.len())` returned.
///
/// With `shut_down_first` the handler runs on a thread of its own, watched
/// ([`start_learner`]), so that one that spins once the client has shut
/// down is caught spinning, in real time. Otherwise it runs beside the
/// client on one thread, polled in turn with it (`join!`): every run with
/// the same data then interleaves reads and writes the same way, so a
/// mistake that loses bytes loses the same ones every time.
fn echo_once<H: Handler>(
    what: &str,
    payload: &[u8],
    capacity: usize,
    shut_down_first: bool,
    read_chunk: usize,
) -> Result<(), Failure> {
    let (client, server) = tokio::io::duplex(capacity);
    let mut seen = Seen::default();
    let progress = Cell::new(0);
    let mut still_coming = false;
    let mut waited = None;
    let returned = if shut_down_first {
        let output = start_learner(move || H::run(server));
        block_on(async {
            let client = exchange(&mut seen, &progress, client, payload, true, read_chunk);
            if activity::within(patience(), client).await.is_some() {
                Returned::wait(output).await
            } else {
                Returned::NotYet
            }
        })
    } else {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("grader: cannot start a runtime");
        runtime.block_on(async {
            let mut returned = Returned::NotYet;
            let handler = async { returned = Returned::Value(H::run(server).await) };
            let client = exchange(&mut seen, &progress, client, payload, false, read_chunk);
            {
                let both = async { tokio::join!(handler, client) };
                let mut both = std::pin::pin!(both);
                // In windows of half the patience, to tell a slow handler
                // from a stuck one: after the first two (the patience),
                // a window in which no byte came back ends the wait; so
                // does the last window, bytes still coming.
                let started = tokio::time::Instant::now();
                for window in 1..=SLOW_WINDOWS {
                    let before = progress.get();
                    if tokio::time::timeout(patience() / 2, &mut both)
                        .await
                        .is_ok()
                    {
                        break;
                    }
                    let moving = progress.get() > before;
                    if window >= 2 && !moving {
                        break;
                    }
                    if window == SLOW_WINDOWS {
                        still_coming = moving;
                    }
                }
                waited = Some(started.elapsed()).filter(|&waited| waited > patience());
            }
            returned
        })
    };
    seen.finished = seen.ended;
    seen.still_coming = still_coming;
    seen.waited = waited;
    judge::<H>(what, payload, &seen, &returned)
}

fn judge<H: Handler>(
    what: &str,
    payload: &[u8],
    seen: &Seen,
    returned: &Returned,
) -> Result<(), Failure> {
    let name = H::NAME;
    let sent = payload.len();
    let came = seen.got.len();
    let summary = |failure: Failure| {
        failure
            .expected(format!(
                "the same {sent} bytes back, in order, then the end of the stream"
            ))
            .sent(payload.to_vec())
            .received(seen.got.clone())
    };
    if !seen.finished {
        let busy = activity::last_silence().is_some_and(|a| a.busy());
        let waited = seen
            .waited
            .map_or_else(patience_text, crate::harness::runner::seconds);
        let mut failure = Failure::new(format!(
            "{what}: after {waited}, {came} of the {sent} bytes had come back and your \
             `{name}` had not closed its side."
        ));
        // Still moving at the end of a long wait is slow work, not a loop
        // that spins: said first, whatever the CPU did.
        if seen.still_coming {
            failure.what.push_str(
                " Bytes were still coming back, slowly: a read and a write for every few \
                 bytes (a tiny buffer) cannot move this much in time. A buffer of a few KiB \
                 moves it in well under a second.",
            );
        } else if busy {
            failure
                .what
                .push_str(" Meanwhile it kept a CPU core busy: working, not waiting.");
            failure = if seen.shut_down {
                failure.mistake(EOF_IGNORED)
            } else {
                failure.mistake(BUSY_LOOP)
            };
        } else if activity::last_silence().is_some() {
            failure.what.push_str(if seen.shut_down {
                " The client had shut down its write side; your code was waiting, not working."
            } else {
                " Your code was waiting, not working."
            });
        } else {
            failure.what.push_str(if seen.shut_down {
                " The client had shut down its write side; nothing more came back for a while."
            } else {
                " Nothing more came back for a while."
            });
        }
        return Err(summary(failure));
    }
    if let Returned::Panicked = returned {
        return Err(summary(Failure::new(format!(
            "{what}: your `{name}` panicked after {came} of the {sent} bytes had come back."
        ))));
    }
    if seen.got != payload {
        let ended = match returned {
            Returned::Value(Err(e)) => format!("returned Err({e})"),
            _ => "closed its side".to_owned(),
        };
        let mut failure = Failure::new(format!(
            "{what}: {came} bytes came back, then your `{name}` {ended}."
        ));
        let failure = if came < sent && payload.starts_with(&seen.got) {
            failure.mistake(STOPS_BEFORE_EOF)
        } else if came < sent && is_whole_with_gaps(&seen.got, payload) {
            failure.what.push_str(&format!(
                " Every byte that came back was sent, in order, but some in between are \
                 missing: {}.",
                first_difference(payload, &seen.got)
            ));
            failure.mistake(WRITE_NOT_WRITE_ALL)
        } else {
            failure.what.push_str(&format!(
                " They are not what was sent: {}.",
                first_difference(payload, &seen.got)
            ));
            failure.mistake(ECHO_NOT_EXACT)
        };
        return Err(summary(failure));
    }
    match returned {
        Returned::Value(Ok(n)) if *n == sent as u64 => Ok(()),
        Returned::Value(Ok(n)) => Err(Failure::new(format!(
            "{what}: every byte came back, then your `{name}` returned Ok({n})."
        ))
        .expected(format!("Ok({sent}): the number of bytes echoed"))),
        Returned::Value(Err(e)) => Err(Failure::new(format!(
            "{what}: every byte came back, then your `{name}` returned Err({e})."
        ))
        .expected(format!("Ok({sent}): the end of the stream is no error"))),
        Returned::NotYet | Returned::Panicked => Err(Failure::new(format!(
            "{what}: every byte came back and the stream ended, but your `{name}` had not \
             returned {} later.",
            patience_text()
        ))
        .expected(format!(
            "Ok({sent}), once the client has shut down its side"
        ))),
    }
}

/// Payloads of 0, 1, 1023, 1024 and 1025 random bytes, each through a
/// fresh pipe that holds 7 bytes, read back a few bytes at a time while
/// the client still writes: each must come back exactly, then the end of
/// the stream, and the function must return `Ok(len)`. Catches `write`
/// instead of `write_all` (the pipe takes a few bytes of each write), a
/// single read into a fixed buffer, `&buffer` instead of `&buffer[..n]`,
/// and a handler that echoes nothing.
pub fn payloads_around_the_buffer_size_come_back_exactly<H: Handler>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    for len in [0, 1, 1023, 1024, 1025] {
        let payload = binary(&mut rng, len);
        echo_once::<H>(
            &format!("{len} random bytes through a pipe that holds 7"),
            &payload,
            7,
            false,
            3,
        )?;
    }
    Ok(())
}

/// 4 MiB of random binary (NUL, CR, LF, bytes that are not UTF-8) through
/// a pipe of 64 KiB, read back in small pieces while the client still
/// writes: every byte back, in order, then the end of the stream. Catches
/// `write` instead of `write_all`, text conversions and any limit on how
/// much one connection may carry.
pub fn four_mebibytes_of_binary_come_back_exactly<H: Handler>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let payload = binary(&mut rng, 4 * 1024 * 1024);
    echo_once::<H>(
        "4 MiB of random binary through a pipe that holds 64 KiB",
        &payload,
        64 * 1024,
        false,
        1000,
    )
}

/// The client writes a few hundred random bytes, shuts down its write
/// side, and only then reads: it must still get every byte back, then the
/// end of the stream (the handler closes its side), and the function must
/// return. Catches a handler that ignores `Ok(0)` and reads on forever —
/// it spins, and the check says so — and one that stops without closing.
pub fn after_the_client_shuts_down_everything_comes_back_then_the_end<H: Handler>()
-> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let len = rng.range(100..2000);
    let payload = binary(&mut rng, len);
    echo_once::<H>(
        &format!("The client wrote {len} bytes, shut down its write side, then read"),
        &payload,
        64 * 1024,
        true,
        512,
    )
}

/// The client sends 5 random bytes and waits for them with the connection
/// open, then 5 more, then shuts down: each 5 must come back while the
/// client is still connected. Catches `read_to_end` (or copying into a
/// `Vec`) before echoing: such a handler answers nothing until the
/// client leaves, and a client that waits for its answer never leaves.
pub fn bytes_come_back_while_the_client_is_still_sending<H: Handler>() -> Result<(), Failure> {
    let name = H::NAME;
    let mut rng = crate::seed::rng();
    let rounds = [binary(&mut rng, 5), binary(&mut rng, 5)];
    let (client, server) = tokio::io::duplex(64 * 1024);
    let output = start_learner(move || H::run(server));
    block_on(async {
        let (mut reader, mut writer) = tokio::io::split(client);
        for (i, sent) in rounds.iter().enumerate() {
            let round = if i == 0 { "first" } else { "second" };
            let _ = writer.write_all(sent).await;
            let mut got = Vec::new();
            let mut closed = false;
            let read = async {
                let mut buffer = [0u8; 64];
                while got.len() < sent.len() {
                    match reader.read(&mut buffer).await {
                        Ok(0) | Err(_) => {
                            closed = true;
                            break;
                        }
                        Ok(n) => got.extend_from_slice(&buffer[..n]),
                    }
                }
            };
            let finished = activity::within(patience(), read).await.is_some();
            let failure = |what: String| {
                Failure::new(what)
                    .sent(sent.clone())
                    .received(got.clone())
                    .expected(format!(
                        "the same 5 bytes back at once, while the connection stays open: {}",
                        describe_bytes(sent)
                    ))
            };
            if !finished {
                let busy = activity::last_silence().is_some_and(|a| a.busy());
                let what = format!(
                    "The client sent its {round} 5 bytes and kept the connection open; after \
                     {}, {} of them had come back.",
                    patience_text(),
                    got.len()
                );
                return Err(if busy {
                    failure(format!(
                        "{what} Meanwhile your `{name}` kept a CPU core busy: working, not \
                         waiting."
                    ))
                    .mistake(BUSY_LOOP)
                } else {
                    failure(format!(
                        "{what} Meanwhile your `{name}` was waiting, not working: waiting for \
                         the end of the stream?"
                    ))
                    .mistake(READS_TO_END_FIRST)
                });
            }
            if closed {
                return Err(failure(format!(
                    "The client sent its {round} 5 bytes and kept the connection open; {} of \
                     them came back, then your `{name}` closed its side.",
                    got.len()
                ))
                .mistake(STOPS_BEFORE_EOF));
            }
            if got != *sent {
                return Err(failure(format!(
                    "The client sent its {round} 5 bytes; 5 other bytes came back."
                ))
                .mistake(ECHO_NOT_EXACT));
            }
        }
        // And the end: the handler must close once the client has.
        let _ = writer.shutdown().await;
        let mut rest = Vec::new();
        let ended = tokio::time::timeout(patience(), reader.read_to_end(&mut rest)).await;
        match (ended, Returned::wait(output).await) {
            (Ok(Ok(_)), Returned::Value(Ok(10))) if rest.is_empty() => Ok(()),
            (ended, returned) => Err(Failure::new(format!(
                "Both rounds came back; then the client shut down its side and read on. It \
                 read {} more bytes, {}, and your `{name}` {}.",
                rest.len(),
                match ended {
                    Ok(Ok(_)) => "then the end of the stream",
                    Ok(Err(_)) => "then an error",
                    Err(_) => "and no end of the stream",
                },
                match returned {
                    Returned::Value(Ok(n)) => format!("returned Ok({n})"),
                    Returned::Value(Err(e)) => format!("returned Err({e})"),
                    Returned::Panicked => "panicked".to_owned(),
                    Returned::NotYet => format!("had not returned after {}", patience_text()),
                }
            ))
            .expected("no more bytes, the end of the stream, and Ok(10) returned")),
        }
    })
}
