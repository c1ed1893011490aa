//! Cost that grows wrongly: a call (or a request) that takes far longer in
//! a big store than in a small one.
//!
//! The grader cannot time the reference solution here (it links no
//! solution), and an absolute time means nothing on a learner's laptop
//! beside a compiler. So it times the learner's own code twice, on the same
//! machine, in the same run: the same calls on a store of [`PROBES`] keys
//! and on one of many thousands, and compares the two. A lookup in a
//! `HashMap` costs about the same in both (the keys timed are the same few
//! in both stores, so the caches favour neither); a call that clones the
//! map, walks it or searches a `Vec` costs in proportion to the size,
//! hundreds of times more.
//!
//! Against machine load: the two are timed in alternating rounds, and
//! each keeps its fastest round (load only ever adds time); for a store,
//! the limit, [`LIMIT`] times, is far above what a correct store shows
//! (1–3 times, cache effects included) and far below what a linear one
//! does.
//!
//! Two forms: [`calls_cost_the_same_in_a_big_store`] for a store called
//! directly (chapter 3's `Db`), and
//! [`requests_cost_the_same_in_a_big_store`] for any server that speaks
//! SET and GET, timed over TCP with pipelined requests.
//!
//! The server form compares costs per key rather than a ratio (see
//! [`SERVER_LIMIT`]): a request's fixed cost is too large and too noisy on
//! a loaded machine for a ratio alone to tell a linear GET from a correct
//! one every time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::store_model::Store;
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::client::{frame_len, reply_timeout};
use crate::fixtures::{OK, RunningServer, Serve, block_on, bulk, command};
use crate::harness::runner::seconds;
use crate::mistakes::LINEAR_LOOKUP;

/// The keys every timed call names: the whole small store, and the last
/// keys written to the big one (so a search from the front, as in a `Vec`,
/// meets them last).
pub const PROBES: usize = 16;
/// Rounds of each size, alternating; each size keeps its fastest.
const ROUNDS: usize = 9;
/// How many times slower a call in the big store may be.
pub const LIMIT: f64 = 16.0;
/// For a request to a server, a ratio says little: a request's fixed cost
/// (parsing, a task's wake-up, a write to the socket: microseconds) hides
/// the lookup, and on a loaded machine a GET that walks a store of 27
/// thousand keys measured under 6 times a small store's, where a correct
/// one measured up to 5. The server form looks at the time a GET gains
/// per key instead, against what walking a map takes this machine
/// ([`SCAN_SHARE`]), and fails only where the ratio is at least this too.
pub const SERVER_LIMIT: f64 = 3.0;
/// A GET gaining at least this share of a map walk's time per key does
/// work for every key. Measured beside four spinning threads, three
/// builds and the gallery (load 10 on 2 cores): correct servers gained at
/// most 1 ns per key, GETs that walk the map 27 to 61 ns, GETs that clone
/// it 116 to 1,800 ns, against a walk of 22 to 27 ns per key.
const SCAN_SHARE: f64 = 4.0;
/// The value every key holds: short, so replies cost little.
const VALUE: &[u8] = b"v";

/// A duration in whole nanoseconds, written after `≈` (the gallery's
/// snapshots replace what follows that sign: these are measurements).
fn nanos(d: Duration) -> String {
    format!("≈{} ns", d.as_nanos())
}

/// The fastest of `times`.
fn fastest(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// A store, called directly

/// The size the big store grows to, unless growing it takes longer than
/// [`GROW_FOR`] (only a `set` whose cost grows takes that long).
const BIG: usize = 64 * 1024;
/// How long the big store may take to grow; it is timed as it is.
const GROW_FOR: Duration = Duration::from_millis(600);
/// Calls per timed batch, unless one batch takes longer than
/// [`BATCH_FOR`]: the time per call is the batch's time over its calls.
const BATCH: usize = 1024;
const BATCH_FOR: Duration = Duration::from_millis(20);

/// The time per call of one batch of `call` over `keys`.
fn batch(keys: &[String], mut call: impl FnMut(&String)) -> Duration {
    let started = Instant::now();
    let mut done = 0u32;
    for key in keys.iter().cycle().take(BATCH) {
        call(key);
        done += 1;
        if started.elapsed() > BATCH_FOR {
            break;
        }
    }
    started.elapsed() / done.max(1)
}

/// One call — `get` where it is graded, else `set` of a key the store
/// holds — costs about as much in a store of 64 thousand keys as in one of
/// 16 (at most [`LIMIT`] times as much, the fastest of nine alternating
/// rounds each). Proves the call goes straight to its key. Catches a `get`
/// or `set` that clones the whole map, or walks it with `iter().find`
/// (`linear-lookup`).
pub fn calls_cost_the_same_in_a_big_store<S: Store>() -> Result<(), Failure> {
    let value = Bytes::from_static(VALUE);
    let small_keys: Vec<String> = (0..PROBES).map(|i| format!("small:{i}")).collect();
    let big_keys: Vec<String> = (0..PROBES).map(|i| format!("big:{i}")).collect();
    let small = S::new();
    for key in &small_keys {
        S::set(&small, key.clone(), value.clone());
    }
    let big = S::new();
    let started = Instant::now();
    let mut size = 0;
    while size < BIG && !(size % 256 == 0 && started.elapsed() > GROW_FOR) {
        S::set(&big, format!("filler:{size}"), value.clone());
        size += 1;
    }
    for key in &big_keys {
        S::set(&big, key.clone(), value.clone());
    }
    size += PROBES;

    let what = if S::READS { "get" } else { "set" };
    let call = |db: &S::Handle, key: &String| {
        if S::READS {
            black_box(S::get(db, key));
        } else {
            black_box(S::set(db, key.clone(), value.clone()));
        }
    };
    let (mut in_small, mut in_big) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        in_small.push(batch(&small_keys, |k| call(&small, k)));
        in_big.push(batch(&big_keys, |k| call(&big, k)));
    }
    let (small_time, big_time) = (fastest(&in_small), fastest(&in_big));
    let ratio = big_time.as_secs_f64() / small_time.as_secs_f64().max(1e-9);
    if ratio <= LIMIT {
        return Ok(());
    }
    Err(Failure::new(format!(
        "One {what} of a key took {} in a store of {PROBES} keys, and {} in a store of \
         ≈{size} keys: ≈{} times as long (the fastest of {ROUNDS} rounds each, taken in \
         turns on this machine).",
        nanos(small_time),
        nanos(big_time),
        ratio.round(),
    ))
    .expected(format!(
        "about the same time in both (at most {LIMIT} times as long): a HashMap goes straight \
         to the key"
    ))
    .got(format!(
        "a cost that grows with the store: {what} does work for every key"
    ))
    .mistake(LINEAR_LOOKUP))
}

// ---------------------------------------------------------------------------
// A server, over TCP

/// The size the big server's store grows to, unless that takes longer
/// than [`SERVER_GROW_FOR`] (only a server whose SET cost grows takes that
/// long).
const SERVER_BIG: usize = 64 * 1024;
const SERVER_GROW_FOR: Duration = Duration::from_millis(1500);
/// The deadline to register the server form with: a server whose GET
/// copies a big store takes a few seconds to time, more on a busy machine.
pub const SERVER_DEADLINE: Duration = Duration::from_secs(20);
/// Requests in flight at once on a connection: SETs while a store grows,
/// GETs while they are timed (few, so that a slow server's stream ends
/// soon after its time is up).
const SET_WINDOW: usize = 64;
const WINDOW: usize = 4;
/// GETs per timed stream, unless its middle takes longer than
/// [`STREAM_FOR`]. The time counted runs from the moment the first
/// [`WINDOW`] replies are in to the moment all but the last `WINDOW` are
/// (or the time is up): the steady middle of the stream.
const STREAM: usize = 512;
const STREAM_FOR: Duration = Duration::from_millis(20);

/// What came of a stream of requests.
struct Streamed {
    /// The time from the `window`th reply to the `count - window`th (or
    /// to the moment the stream's time was up).
    middle: Duration,
    /// How many replies came in that time.
    counted: usize,
    /// How many requests were sent and answered in all.
    answered: usize,
}

/// One connection to a server, with requests kept in flight.
struct Pipe {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Pipe {
    async fn connect(server: &RunningServer) -> Result<Pipe, Failure> {
        let addr = server.addr();
        let stream = tokio::time::timeout(reply_timeout(), TcpStream::connect(addr))
            .await
            .map_err(|_| Failure::new(format!("Connecting to your server at {addr} timed out.")))?
            .map_err(|e| {
                Failure::new(format!("Could not connect to your server at {addr}: {e}"))
            })?;
        let _ = stream.set_nodelay(true);
        Ok(Pipe {
            stream,
            buffer: Vec::new(),
        })
    }

    /// Sends up to `count` requests, `request(i)`, keeping `window` of
    /// them in flight, and reads their replies, each of which must be
    /// `expected`; past `cap` after the `window`th reply, it sends no more
    /// and counts no more.
    ///
    /// In flight, not all in one write and then all the replies: a server
    /// that writes each reply by itself has its later replies held back
    /// until the client acknowledges the first (Nagle's algorithm), and a
    /// client with nothing to send acknowledges late (tens of
    /// milliseconds). A client that sends more requests as replies come
    /// acknowledges at once, and the middle of the stream is never held.
    async fn stream(
        &mut self,
        count: usize,
        request: impl Fn(usize) -> Vec<u8>,
        expected: &[u8],
        what: &str,
        window: usize,
        cap: Option<Duration>,
    ) -> Result<Streamed, Failure> {
        let (from, to) = (window.min(count), count.saturating_sub(window));
        let (mut started, mut ended) = (Instant::now(), None);
        let (mut sent, mut got, mut limit) = (0, 0, count);
        let mut out = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        let silent = |got: usize| {
            Failure::new(format!(
                "{what}: {count} requests, {window} at a time; your server answered {got} and \
                 then nothing more within {}.",
                seconds(reply_timeout())
            ))
        };
        while got < limit {
            while sent < limit && sent - got < window {
                out.extend(request(sent));
                sent += 1;
            }
            if !out.is_empty() {
                tokio::time::timeout(reply_timeout(), self.stream.write_all(&out))
                    .await
                    .map_err(|_| silent(got))?
                    .map_err(|e| Failure::new(format!("{what}: the connection failed: {e}")))?;
                out.clear();
            }
            match tokio::time::timeout(reply_timeout(), self.stream.read(&mut chunk)).await {
                Err(_) => return Err(silent(got)),
                Ok(Ok(0)) => {
                    return Err(Failure::new(format!(
                        "{what}: your server closed the connection after {got} of {count} \
                         replies."
                    )));
                }
                Ok(Ok(n)) => self.buffer.extend_from_slice(&chunk[..n]),
                Ok(Err(e)) => {
                    return Err(Failure::new(format!("{what}: the connection failed: {e}")));
                }
            }
            // Every complete reply in the buffer.
            let mut at = 0;
            while let Some(len) = frame_len(&self.buffer[at..]) {
                let reply = &self.buffer[at..at + len];
                if reply != expected {
                    return Err(Failure::new(format!(
                        "{what}: a reply was not the one a correct server sends."
                    ))
                    .expected(describe_bytes(expected))
                    .got(describe_bytes(reply)));
                }
                at += len;
                got += 1;
                if got == from {
                    started = Instant::now();
                }
                let late = got > from && cap.is_some_and(|cap| started.elapsed() > cap);
                if ended.is_none() && (got == to || late) {
                    ended = Some((started.elapsed(), got.saturating_sub(from)));
                    if late {
                        limit = sent;
                    }
                }
            }
            self.buffer.drain(..at);
        }
        let (middle, counted) = ended.unwrap_or_default();
        Ok(Streamed {
            middle,
            counted,
            answered: got,
        })
    }

    /// SETs every key to [`VALUE`].
    async fn set_all(&mut self, keys: &[String], what: &str) -> Result<(), Failure> {
        let request = |i: usize| command(&["SET", &keys[i], "v"]);
        self.stream(keys.len(), request, OK, what, SET_WINDOW, None)
            .await
            .map(drop)
    }

    /// The time per GET in the steady middle of a stream of [`STREAM`]
    /// GETs of `keys`, each answered with `expected`.
    async fn get_time(&mut self, keys: &[String], expected: &[u8]) -> Result<Duration, Failure> {
        let what = "GETs of keys the store holds";
        let request = |i: usize| command(&["GET", &keys[i % keys.len()]]);
        let streamed = self
            .stream(STREAM, request, expected, what, WINDOW, Some(STREAM_FOR))
            .await?;
        Ok(streamed.middle / streamed.counted.max(1) as u32)
    }
}

/// The time, in nanoseconds per key, that walking a map of `size` keys
/// takes the grader's own code (built as the learner's is, in the same
/// run): the cheapest work a GET could do for every key.
fn scan_per_key(size: usize) -> f64 {
    let map: std::collections::HashMap<String, Bytes> = (0..size)
        .map(|i| (format!("filler:{i}"), Bytes::from_static(VALUE)))
        .collect();
    let probe = String::from("big:absent");
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        black_box(map.iter().find(|(k, _)| **k == *black_box(&probe)));
        times.push(started.elapsed());
    }
    fastest(&times).as_secs_f64() * 1e9 / size.max(1) as f64
}

/// A GET costs about as much in a server whose store holds tens of
/// thousands of keys as in one whose store holds 16: per GET in a steady
/// stream of pipelined GETs, the fastest of nine rounds each, taken in
/// turns on two servers (whose stores are filled the same way, with
/// pipelined SETs), the time gained per key of the big store stays far
/// below what walking a map of that size takes per key on the same
/// machine. Proves the server looks a key up rather
/// than visiting every entry. Catches a handler that clones the whole map,
/// or searches a list of pairs, on every request (`linear-lookup`).
pub fn requests_cost_the_same_in_a_big_store<S: Serve>() -> Result<(), Failure> {
    // Two servers, so that the small and the big store can be timed in
    // turns; one connection each (a store may be per connection).
    let small_server = RunningServer::start::<S>();
    let big_server = RunningServer::start::<S>();
    block_on(async {
        let small_keys: Vec<String> = (0..PROBES).map(|i| format!("small:{i}")).collect();
        let big_keys: Vec<String> = (0..PROBES).map(|i| format!("big:{i}")).collect();
        let mut small = Pipe::connect(&small_server).await?;
        small.set_all(&small_keys, "SETs of a few keys").await?;
        let mut big = Pipe::connect(&big_server).await?;
        // One stream: each end of a stream may wait on a late ACK.
        let filler = |i: usize| command(&["SET", &format!("filler:{i}"), "v"]);
        let what = "SETs that fill a store";
        let grown = big
            .stream(
                SERVER_BIG,
                filler,
                OK,
                what,
                SET_WINDOW,
                Some(SERVER_GROW_FOR),
            )
            .await?;
        big.set_all(&big_keys, "SETs of a few keys into a full store")
            .await?;
        let size = grown.answered + PROBES;

        let value = bulk(VALUE);
        let scan = scan_per_key(size);
        // A linear GET is slow every time; a correct one on a busy machine
        // can look slow once, if the big server's thread was starved for
        // all its rounds. So a slow first measure is taken again, and only
        // two in a row fail.
        let mut measures = 0;
        let (small_time, big_time, per_key) = loop {
            measures += 1;
            let (mut in_small, mut in_big) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                in_small.push(small.get_time(&small_keys, &value).await?);
                in_big.push(big.get_time(&big_keys, &value).await?);
            }
            let (small_time, big_time) = (fastest(&in_small), fastest(&in_big));
            let ratio = big_time.as_secs_f64() / small_time.as_secs_f64().max(1e-9);
            // The time a GET gained for each key in the big store, against
            // the time this machine takes to walk a map of that size: a
            // linear GET gains at least that much per key, a correct one
            // next to nothing (its noise spread over tens of thousands of
            // keys).
            let per_key = big_time.saturating_sub(small_time).as_secs_f64() * 1e9 / size as f64;
            if per_key < scan / SCAN_SHARE || ratio < SERVER_LIMIT {
                return Ok(());
            }
            if measures == 2 {
                break (small_time, big_time, per_key);
            }
        };
        Err(Failure::new(format!(
            "A GET took {} on a server whose store held {PROBES} keys, and {} on one whose \
             store held ≈{size} keys: ≈{} ns more for every key in the store (per GET of a \
             steady stream of pipelined GETs, the fastest of {ROUNDS} rounds each, taken in \
             turns on this machine, twice). Walking a map of that size takes this machine ≈{} ns \
             per key.",
            nanos(small_time),
            nanos(big_time),
            per_key.round(),
            scan.round(),
        ))
        .expected(
            "about the same time in both: a HashMap goes straight to the key, whatever its size",
        )
        .got("a cost that grows with the store: each GET does work for every key")
        .mistake(LINEAR_LOOKUP))
    })
}
