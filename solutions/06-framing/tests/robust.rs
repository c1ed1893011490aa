//! The reference server under bad input, over real TCP on 127.0.0.1.
//!
//! Each test starts the server with small limits (a 1 MiB frame), sends
//! what no client should — a wrong type byte, lengths and numbers out of
//! range, arrays nested too deep, frames that never end — and proves
//! three things: the bad client gets a protocol error reply or a closed
//! connection; it is cut off after a bounded number of bytes (so the
//! server's memory for it is bounded); and a second client, talking all
//! the while, gets every answer right.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use solution_6::{Config, Connection, Frame, Limits, MAX_LINE_LEN, TOO_MANY_CLIENTS, run_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The frame limit of these tests: 1 MiB.
const MAX_FRAME: usize = 1024 * 1024;

/// How long one bad client may stream before the test calls it a hang.
const STREAM_FOR: Duration = Duration::from_secs(15);

/// The most a bad client may get through before it is cut off: the limit,
/// plus what the kernel buffers on both sides of a loopback connection
/// (a few MiB at most).
const CUT_OFF_WITHIN: usize = MAX_FRAME + 16 * 1024 * 1024;

/// A server on a free port of 127.0.0.1 with `config`; its address.
async fn start(config: Config) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    tokio::spawn(run_with(listener, config));
    addr
}

fn small() -> Config {
    Config {
        max_clients: 100,
        limits: Limits {
            max_frame_len: MAX_FRAME,
        },
    }
}

fn command(words: &[&[u8]]) -> Frame {
    Frame::Array(
        words
            .iter()
            .map(|w| Frame::Bulk(Bytes::copy_from_slice(w)))
            .collect(),
    )
}

/// A well-behaved client that SETs and GETs its own keys until `stop`,
/// every reply checked and due within two seconds. Its count of answered
/// requests, or what went wrong.
async fn good_client(addr: std::net::SocketAddr, stop: Arc<AtomicBool>) -> Result<usize, String> {
    let socket = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let mut connection = Connection::new(socket);
    let mut answered = 0;
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) || answered < 4 {
        let key = format!("good:{i}");
        let value = format!("value {i} \r\n\0 é");
        let exchanges = [
            (
                command(&[b"SET", key.as_bytes(), value.as_bytes()]),
                Frame::Simple("OK".into()),
            ),
            (
                command(&[b"GET", key.as_bytes()]),
                Frame::Bulk(Bytes::from(value.clone())),
            ),
        ];
        for (request, want) in exchanges {
            connection
                .write_frame(&request)
                .await
                .map_err(|e| e.to_string())?;
            connection.flush().await.map_err(|e| e.to_string())?;
            let got = tokio::time::timeout(Duration::from_secs(2), connection.read_frame())
                .await
                .map_err(|_| format!("no reply to {request:?} within 2 s"))?
                .map_err(|e| e.to_string())?;
            if got.as_ref() != Some(&want) {
                return Err(format!("{request:?} got {got:?}, expected {want:?}"));
            }
            answered += 1;
        }
        i += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(answered)
}

/// How a bad client's connection ended.
#[derive(Debug)]
struct Ending {
    /// Bytes the client got through before the server stopped it.
    sent: usize,
}

/// Sends `head`, then `chunk` over and over (pausing `pause` between
/// chunks) until the server closes the connection, `STREAM_FOR` passes,
/// or `CUT_OFF_WITHIN` bytes went through; all the while a good client
/// talks to the same server. Fails unless the bad client was cut off in
/// time, with an error reply or none, and the good client was answered
/// right throughout.
async fn cut_off(config: Config, head: &[u8], chunk: &[u8], pause: Duration) -> Ending {
    let addr = start(config).await;
    let stop = Arc::new(AtomicBool::new(false));
    let good = tokio::spawn(good_client(addr, stop.clone()));

    let mut socket = TcpStream::connect(addr).await.expect("connect");
    socket.set_nodelay(true).expect("nodelay");
    let started = Instant::now();
    let mut sent = 0;
    let mut closed = socket.write_all(head).await.is_err();
    sent += head.len();
    while !closed && !chunk.is_empty() {
        assert!(
            sent <= CUT_OFF_WITHIN,
            "the server took {sent} bytes of one frame and did not stop the client"
        );
        assert!(
            started.elapsed() < STREAM_FOR,
            "the server took {sent} bytes of one frame over {STREAM_FOR:?} and did not stop the \
             client"
        );
        // A write fails once the server has closed the connection.
        match tokio::time::timeout(Duration::from_secs(1), socket.write_all(chunk)).await {
            Ok(Ok(())) => sent += chunk.len(),
            Ok(Err(_)) => closed = true,
            // The server stopped reading, and did not close: see below.
            Err(_) => break,
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    // Whatever the server said before it closed, then the close itself.
    let mut reply = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        loop {
            match socket.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => reply.extend_from_slice(&buf[..n]),
                // A reset: the server closed with our bytes unread.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    })
    .await;
    assert!(
        matches!(read, Ok(Ok(()))),
        "after {sent} bytes the server neither closed the connection nor failed it: {read:?}"
    );
    assert!(
        reply.is_empty() || (reply.starts_with(b"-ERR") && reply.ends_with(b"\r\n")),
        "the bad client got {:?}, not an error reply or nothing",
        reply.escape_ascii().to_string()
    );
    stop.store(true, Ordering::Relaxed);
    let answered = good.await.expect("the good client's task");
    assert!(
        matches!(answered, Ok(n) if n >= 4),
        "the good client, beside the bad one: {answered:?}"
    );
    Ending { sent }
}

/// A wrong type byte (`%`, RESP 3's map, or `!`): the connection is closed
/// at once, and everyone else is still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_type_byte_closes_the_connection() {
    for head in [&b"%3\r\n"[..], b"!oops\r\n", b"*2\r\n$3\r\nGET\r\n?\r\n"] {
        let ending = cut_off(small(), head, b"", Duration::ZERO).await;
        assert_eq!(ending.sent, head.len());
    }
}

/// The requests before a bad frame are answered; then the connection is
/// closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_before_a_bad_frame_are_answered() {
    let addr = start(small()).await;
    let mut socket = TcpStream::connect(addr).await.expect("connect");
    socket
        .write_all(b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n%oops\r\n")
        .await
        .expect("write");
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut reply)).await;
    assert_eq!(
        reply,
        b"+PONG\r\n$-1\r\n",
        "{:?}",
        reply.escape_ascii().to_string()
    );
}

/// Numbers that overflow 64 bits, or are no numbers, or are lengths out
/// of range (a bulk over 512 MiB, below -1): the connection is closed at
/// once, before any of the length is waited for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_that_overflow_or_are_out_of_range_close_the_connection() {
    let heads: [&[u8]; 9] = [
        b"$18446744073709551615\r\n",
        b"*18446744073709551616\r\n",
        b":9223372036854775808\r\n",
        b":-9223372036854775809\r\n",
        b"$536870913\r\n",
        b"$9223372036854775807\r\n",
        b"$-2\r\n",
        b"*-9223372036854775808\r\n",
        b"*1\r\n$1x\r\n",
    ];
    for head in heads {
        cut_off(small(), head, b"", Duration::ZERO).await;
    }
}

/// Arrays nested 33 deep (one more than `MAX_DEPTH`), and 10,000 deep:
/// closed, without recursing that deep.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrays_nested_past_the_depth_limit_close_the_connection() {
    for depth in [33, 10_000] {
        let head = b"*1\r\n".repeat(depth);
        cut_off(small(), &head, b"", Duration::ZERO).await;
    }
}

/// A bulk string announced longer than the connection's frame limit
/// (2 MiB against 1 MiB), its data streamed: the client is cut off once
/// the limit is buffered, not after 2 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_over_the_frame_limit_is_cut_off() {
    let head = b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$2097152\r\n";
    let ending = cut_off(small(), head, &[b'x'; 16 * 1024], Duration::ZERO).await;
    assert!(ending.sent < 2 * 1024 * 1024 + CUT_OFF_WITHIN);
}

/// The largest bulk the protocol allows (512 MiB) announced, then a
/// trickle of data: cut off at the 1 MiB frame limit, while the good
/// client is served between the drops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_header_then_a_trickle_is_cut_off() {
    let head = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n";
    cut_off(small(), head, &[b'x'; 8 * 1024], Duration::from_millis(1)).await;
}

/// A line that never ends (`+` then bytes with no CRLF, for ever): a
/// protocol error once it is longer than `MAX_LINE_LEN`, whatever the
/// frame limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_never_ends_is_cut_off() {
    let roomy = Config {
        limits: Limits {
            max_frame_len: 64 * MAX_FRAME,
        },
        ..small()
    };
    let ending = cut_off(roomy, b"+", &[b'a'; 4096], Duration::ZERO).await;
    assert!(
        ending.sent <= MAX_LINE_LEN + 16 * 1024 * 1024,
        "{} bytes",
        ending.sent
    );
    // The same inside a request, where a bulk's length should be.
    cut_off(roomy, b"*1\r\n$", &[b'1'; 4096], Duration::ZERO).await;
}

/// An array announcing 2^62 elements, then small elements for ever:
/// cut off at the frame limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_array_of_small_elements_is_cut_off() {
    let head = b"*4611686018427387904\r\n";
    cut_off(small(), head, &b"$1\r\nx\r\n".repeat(512), Duration::ZERO).await;
    // Integers, nested arrays: any element type.
    cut_off(small(), head, &b"*1\r\n:1\r\n".repeat(512), Duration::ZERO).await;
}

/// Beyond `max_clients` connections, the next client is told
/// `-ERR max number of clients reached` and closed, as by redis-server;
/// when a client leaves, its place is free again; and the clients
/// already in, idle ones among them, are not disturbed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_beyond_the_limit_are_refused_cleanly() {
    let config = Config {
        max_clients: 3,
        ..small()
    };
    let addr = start(config).await;
    let stop = Arc::new(AtomicBool::new(false));
    // One busy client, two idle ones: the server is full.
    let good = tokio::spawn(good_client(addr, stop.clone()));
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(addr).await.expect("connect"));
    }
    // Wait until the busy client is in: its first answers came.
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..3 {
        let mut refused = TcpStream::connect(addr).await.expect("connect");
        // A request sent at once must not turn the refusal into a reset.
        let _ = refused.write_all(b"*1\r\n$4\r\nPING\r\n").await;
        let mut reply = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), refused.read_to_end(&mut reply))
            .await
            .expect("the refused client is closed within 5 s");
        assert!(read.is_ok(), "{read:?}");
        assert_eq!(
            reply,
            TOO_MANY_CLIENTS,
            "{:?}",
            reply.escape_ascii().to_string()
        );
    }
    // One idle client leaves: a new client gets its place.
    drop(idle.pop());
    let mut answered = None;
    for _ in 0..50 {
        let socket = TcpStream::connect(addr).await.expect("connect");
        let mut connection = Connection::new(socket);
        connection
            .write_frame(&command(&[b"PING"]))
            .await
            .expect("write");
        connection.flush().await.expect("flush");
        match tokio::time::timeout(Duration::from_secs(2), connection.read_frame()).await {
            Ok(Ok(Some(frame))) if frame == Frame::Simple("PONG".into()) => {
                answered = Some(frame);
                break;
            }
            // Still refused: the server has not seen the close yet.
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    assert!(answered.is_some(), "no place freed after a client left");
    stop.store(true, Ordering::Relaxed);
    let answered = good.await.expect("the good client's task");
    assert!(matches!(answered, Ok(n) if n >= 4), "{answered:?}");
}

/// A client that sends requests and never reads its replies fills its
/// socket's buffers until the server's writes to it wait; a client that
/// connects and says nothing holds a connection open. Neither delays
/// anyone else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_clients_never_block_others() {
    let addr = start(small()).await;
    let _idle = TcpStream::connect(addr).await.expect("connect");
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    // GETs of a 64 KiB value, never read: the replies pile up.
    let value = vec![b'v'; 64 * 1024];
    let mut setup = Connection::new(TcpStream::connect(addr).await.expect("connect"));
    setup
        .write_frame(&command(&[b"SET", b"big", &value]))
        .await
        .expect("write");
    setup.flush().await.expect("flush");
    let reply = setup.read_frame().await.expect("read");
    assert_eq!(reply, Some(Frame::Simple("OK".into())));
    let get = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(64);
    let sent = Arc::new(AtomicUsize::new(0));
    let sending = {
        let sent = sent.clone();
        tokio::spawn(async move {
            // Until the server stops reading (its writes wait), or 4 s.
            let until = Instant::now() + Duration::from_secs(4);
            while Instant::now() < until {
                match tokio::time::timeout(Duration::from_millis(500), slow.write_all(&get)).await {
                    Ok(Ok(())) => sent.fetch_add(get.len(), Ordering::Relaxed),
                    _ => break,
                };
            }
            slow
        })
    };
    let stop = Arc::new(AtomicBool::new(false));
    let good = tokio::spawn(good_client(addr, stop.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let answered = good.await.expect("the good client's task");
    assert!(matches!(answered, Ok(n) if n >= 4), "{answered:?}");
    let _slow = sending.await.expect("the slow client's task");
    assert!(sent.load(Ordering::Relaxed) > 0);
}

/// The same array, sent a few elements at a time with pauses, so every
/// read brings a few hundred bytes and `check` walks the whole buffer
/// again: before the walk budget, a 1 MiB frame sent so cost the server
/// 45 s of CPU (256 KiB: 2.7 s; 512 KiB: 10.6 s — the square of the
/// length). Now the client is cut off within a few hundred pieces, with
/// a frame limit that would have let it go on to 64 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_in_many_small_pieces_is_cut_off() {
    let roomy = Config {
        limits: Limits {
            max_frame_len: 64 * MAX_FRAME,
        },
        ..small()
    };
    let before = cpu_seconds();
    let ending = cut_off(
        roomy,
        b"*4611686018427387904\r\n",
        &b"$1\r\nx\r\n".repeat(64),
        Duration::from_micros(500),
    )
    .await;
    eprintln!(
        "cut off after {} bytes; the test process used {:.2} s of CPU",
        ending.sent,
        cpu_seconds() - before
    );
    assert!(ending.sent < MAX_FRAME, "{} bytes", ending.sent);
}

/// This process's CPU time so far (user and system), from /proc; 0 where
/// there is no /proc.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some((_, after_name)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime, in clock ticks (100 a second on Linux).
    (ticks(11) + ticks(12)) / 100.0
}

// The parser on random bytes: a property test with a fixed seed.

mod property {
    use std::io::{self, Cursor};
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use grader::chapters::chapter6::model;
    use grader::chapters::chapter6::{ParseError as ModelError, Resp};
    use grader::seed::Rng;
    use solution_6::{Connection, Frame, Limits, ParseError};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    /// The seed of every run: the same cases each time.
    const SEED: u64 = 0x5eed_0006;
    /// How many cases each property tries.
    const CASES: usize = 20_000;

    /// `get_decimal` reads digits straight from the bytes; it must agree
    /// with `str::parse::<i64>` on every line: the edges (signs alone,
    /// `i64::MIN`, one past `i64::MAX`, leading zeros) and random lines
    /// of signs, digits and other bytes.
    #[test]
    fn get_decimal_agrees_with_str_parse() {
        let mut lines: Vec<Vec<u8>> = [
            "",
            "-",
            "+",
            "0",
            "-0",
            "+0",
            "007",
            "-9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807",
            "9223372036854775808",
            "+9223372036854775807",
            "99999999999999999999",
            "1 ",
            " 1",
            "--1",
            "+-1",
            "1-",
        ]
        .iter()
        .map(|line| line.as_bytes().to_vec())
        .collect();
        let mut rng = Rng::new(SEED ^ 2);
        for _ in 0..CASES {
            let len = rng.range(0..22);
            let line = (0..len).map(|_| *rng.pick(b"-+0123456789 x\xff")).collect();
            lines.push(line);
        }
        for line in lines {
            let mut bytes = line.clone();
            bytes.extend_from_slice(b"\r\n");
            let got = solution_6::get_decimal(&mut Cursor::new(&bytes[..])).ok();
            let want = std::str::from_utf8(&line)
                .ok()
                .and_then(|text| text.parse::<i64>().ok());
            assert_eq!(got, want, "line {:?}", line.escape_ascii().to_string());
        }
    }

    fn resp(frame: Frame) -> Resp {
        match frame {
            Frame::Simple(s) => Resp::Simple(s),
            Frame::Error(s) => Resp::Error(s),
            Frame::Integer(n) => Resp::Integer(n),
            Frame::Bulk(b) => Resp::Bulk(b),
            Frame::Null => Resp::Null,
            Frame::Array(items) => Resp::Array(items.into_iter().map(resp).collect()),
        }
    }

    /// What the reference parser makes of `bytes`: check's verdict, and
    /// parse's frame with its length.
    fn ours(bytes: &[u8]) -> (Result<usize, ParseError>, Result<(Resp, usize), ParseError>) {
        let mut cursor = Cursor::new(bytes);
        let checked = Frame::check(&mut cursor).map(|()| cursor.position() as usize);
        let mut cursor = Cursor::new(bytes);
        let parsed = Frame::parse(&mut cursor).map(|f| (resp(f), cursor.position() as usize));
        (checked, parsed)
    }

    /// Random bytes from the grader's own generator (whole frames, cut
    /// frames, bad type bytes, numbers out of range, missing CRLFs, arrays
    /// too deep), and random frames with one byte changed, inserted or
    /// removed: `check` and `parse` never panic, agree with each other,
    /// and agree with the grader's model wherever the model has an answer
    /// (the model has no line limit, which these bytes never reach).
    #[test]
    fn check_and_parse_agree_with_the_model_on_random_bytes() {
        let mut rng = Rng::new(SEED);
        for case in 0..CASES {
            let bytes = if case % 2 == 0 {
                model::stream(&mut rng)
            } else {
                let mut bytes = model::encode(&model::frame(&mut rng, 4));
                let at = rng.range(0..bytes.len());
                let byte = *rng.pick(b"\r\n*$:+-0123456789x\xff");
                match rng.range(0..3) {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => drop(bytes.remove(at)),
                }
                bytes
            };
            let (checked, parsed) = ours(&bytes);
            let shown = bytes.escape_ascii().to_string();
            match (&checked, &parsed) {
                (Ok(n), Ok((_, m))) => assert_eq!(n, m, "{shown}"),
                (Err(ParseError::Incomplete), Err(ParseError::Incomplete)) => {}
                (Err(ParseError::Protocol(_)), Err(ParseError::Protocol(_))) => {}
                // Only `parse` requires text to be UTF-8.
                (_, Err(ParseError::Protocol(why))) if why.contains("UTF-8") => continue,
                _ => panic!("{shown}: check said {checked:?}, parse said {parsed:?}"),
            }
            match (model::classify(&bytes), parsed) {
                (Ok(want), Ok(got)) => assert_eq!(want, got, "{shown}"),
                (Err(ModelError::Incomplete), Err(ParseError::Incomplete)) => {}
                (Err(ModelError::Protocol(_)), Err(ParseError::Protocol(_))) => {}
                (want, got) => panic!("{shown}: the model said {want:?}, parse said {got:?}"),
            }
        }
    }

    /// A stream that delivers its bytes in pieces of the given sizes.
    struct Pieces {
        data: Vec<u8>,
        at: usize,
        sizes: Vec<usize>,
    }

    impl AsyncRead for Pieces {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let size = self.sizes.pop().unwrap_or(usize::MAX);
            let n = (self.data.len() - self.at).min(size).min(buf.remaining());
            let at = self.at;
            buf.put_slice(&self.data[at..at + n]);
            self.at += n;
            Poll::Ready(Ok(()))
        }
    }

    impl AsyncWrite for Pieces {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            b: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(b.len()))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// Several random frames back to back, delivered in random pieces (a
    /// byte, a few bytes, hundreds), sometimes with random bytes after
    /// them: `read_frame` returns exactly those frames, in order, then
    /// the end of the stream — or an error where the bytes go wrong.
    #[test]
    fn read_frame_returns_the_frames_of_any_split() {
        let mut rng = Rng::new(SEED ^ 1);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        for _ in 0..CASES / 10 {
            let frames: Vec<Resp> = (0..rng.range(1..6))
                .map(|_| model::frame(&mut rng, 3))
                .collect();
            let mut data: Vec<u8> = frames.iter().flat_map(model::encode).collect();
            let garbage = rng.one_in(4);
            if garbage {
                data.extend(model::stream(&mut rng));
            }
            let sizes = (0..data.len())
                .map(|_| *rng.pick(&[1, 2, 3, 7, 64, 1000]))
                .collect();
            let stream = Pieces {
                data: data.clone(),
                at: 0,
                sizes,
            };
            let mut connection = Connection::with_limits(
                stream,
                Limits {
                    max_frame_len: 64 * 1024,
                },
            );
            let (got, end) = runtime.block_on(async {
                let mut got = Vec::new();
                loop {
                    match connection.read_frame().await {
                        Ok(Some(frame)) => got.push(resp(frame)),
                        Ok(None) => return (got, Ok(())),
                        Err(e) => return (got, Err(e.to_string())),
                    }
                }
            });
            let shown = data.escape_ascii().to_string();
            assert!(got.len() >= frames.len(), "{shown}: {got:?} then {end:?}");
            assert_eq!(got[..frames.len()], frames[..], "{shown}");
            if !garbage {
                assert_eq!(got.len(), frames.len(), "{shown}");
                assert_eq!(end, Ok(()), "{shown}");
            }
        }
    }

    fn frame(resp: Resp) -> Frame {
        match resp {
            Resp::Simple(s) => Frame::Simple(s),
            Resp::Error(s) => Frame::Error(s),
            Resp::Integer(n) => Frame::Integer(n),
            Resp::Bulk(b) => Frame::Bulk(b),
            Resp::Null => Frame::Null,
            Resp::Array(items) => Frame::Array(items.into_iter().map(frame).collect()),
        }
    }

    /// `write_frame` writes lengths and integers digit by digit on the
    /// stack; it must write exactly the bytes the grader's model encodes
    /// (with `format!`): for the integers at the edges (`i64::MIN`, whose
    /// absolute value does not fit an `i64`, zero, ten and its powers) and
    /// for random frames of every kind.
    #[test]
    fn write_frame_writes_what_the_model_encodes() {
        let mut rng = Rng::new(SEED ^ 3);
        let edges = [i64::MIN, i64::MIN + 1, -10, -9, -1, 0, 1, 9, 10, 99, 100];
        let mut frames: Vec<Resp> = edges
            .into_iter()
            .chain([i64::MAX - 1, i64::MAX])
            .map(Resp::Integer)
            .collect();
        frames.extend((0..CASES / 10).map(|_| model::frame(&mut rng, 3)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        for want in frames {
            let (ours, mut theirs) = tokio::io::duplex(1 << 20);
            let written = runtime.block_on(async {
                use tokio::io::AsyncReadExt;
                let mut connection = Connection::new(ours);
                connection.write_frame(&frame(want.clone())).await?;
                connection.flush().await?;
                drop(connection);
                let mut written = Vec::new();
                theirs.read_to_end(&mut written).await?;
                io::Result::Ok(written)
            });
            let written = written.expect("a pipe in memory does not fail");
            assert_eq!(
                written.escape_ascii().to_string(),
                model::encode(&want).escape_ascii().to_string(),
                "{want:?}"
            );
        }
    }

    /// What the coverage-guided fuzzer (`.ci/fuzz.sh`) found, kept: both
    /// are simple strings that are not UTF-8, where `check` (which makes
    /// no `String`) says `Ok` or `Incomplete` and `parse` says it is a
    /// protocol error — by design, and never a panic.
    #[test]
    fn fuzzer_findings_stay_protocol_errors() {
        let findings: [&[u8]; 2] = [
            b"+K\r\r\xaeGET\r\n$+\n",
            b"*2\r\n+$a\x88\x9b\xdf\xd83\0\0\0\0\0\0\0\0\r\n",
        ];
        for bytes in findings {
            let (checked, parsed) = ours(bytes);
            assert!(
                matches!(&parsed, Err(ParseError::Protocol(why)) if why.contains("UTF-8")),
                "{checked:?} {parsed:?}"
            );
        }
    }
}
