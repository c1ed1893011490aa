//! Exercise 6.5: the complete server, graded over real TCP — by the shared
//! server checks, by the model of random sessions, and byte for byte
//! against exchanges recorded from redis-server itself.

use std::net::SocketAddr;

use super::{Api, FramedServer};
use crate::checks::model::session::Command;
use crate::checks::model::{Expected, Model, Request, Shape, SharedStore};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::transcript::Transcript;
use crate::fixtures::{Client, RunningServer, Serve, block_on, command_bytes};
use crate::harness::runner::seconds;
use crate::mistakes::{
    CLOSES_AFTER_ERROR, LIMITS_NOT_PASSED, MISSING_FLUSH, NO_NODELAY, NOT_REDIS_ERROR_TEXT,
    SEQUENTIAL_SERVER,
};

/// The model of exercise 6.5's server: GET and SET on one store, like
/// 3.1's, except that keys are bytes: a GET of a key that is not UTF-8 is
/// a GET (of a key no SET of the sessions wrote), not an error.
#[derive(Debug, Default)]
pub struct FramedStore(SharedStore);

impl Model for FramedStore {
    const SHAPE: Shape = SharedStore::SHAPE;
    const SERVER: &'static str = "a server with GET and SET on one store of binary keys";
    fn reply(&mut self, conn: usize, command: &Command) -> Expected {
        self.0.reply(conn, command)
    }
    fn reply_to(&mut self, conn: usize, request: &Request) -> Expected {
        let binary_get = matches!(&request.command, Command::BadCommand)
            && request.words.len() == 2
            && request.words[0].eq_ignore_ascii_case(b"GET")
            && std::str::from_utf8(&request.words[1]).is_err();
        if binary_get {
            Expected::Null
        } else {
            self.0.reply(conn, &request.command)
        }
    }
}

/// A silent client (after one command) stays connected while another is
/// served. Catches a server that serves one connection at a time.
pub fn an_idle_client_does_not_block_others<S: Serve>() -> Result<(), crate::failure::Failure> {
    crate::checks::server::idle_client_does_not_block_others::<S>(true, SEQUENTIAL_SERVER)
}

/// The exchanges recorded from redis-server 7.0
/// (`tests/transcripts/ch06-redis-server.snap`).
pub const FROM_REDIS: &str = include_str!("../../../transcripts/ch06-redis-server.snap");

/// The requests of the differential set: PING with and without a
/// message, SET and GET of binary keys and values, and every error this
/// server shares with Redis — wrong numbers of arguments, a SET option it
/// does not know, unknown commands (their text truncated, NUL-ended and
/// with CR and LF made spaces, as Redis builds it).
pub fn script() -> Vec<Vec<u8>> {
    let long = vec![b'x'; 200];
    let words: Vec<Vec<&[u8]>> = vec![
        vec![b"PING"],
        vec![b"ping", b"hello world"],
        vec![b"PiNg", "héllo\r\n".as_bytes()],
        vec![b"PING", b"a", b"b"],
        vec![b"GET", b"\xff\x00key"],
        vec![b"SET", b"\xff\x00key", b"a\r\n$3\r\nb\0"],
        vec![b"get", b"\xff\x00key"],
        vec![b"SET", b"empty", b""],
        vec![b"GET", b"empty"],
        vec![b"SET", b"empty", b"now full"],
        vec![b"GET", b"empty"],
        vec![b"GET"],
        vec![b"GET", b"a", b"b"],
        vec![b"set", b"k"],
        vec![b"SET"],
        vec![b"set", b"k", b"v", b"PX"],
        vec![b"FLUSHEVERYTHING"],
        vec![b"Frobnicate", b"a b", &long],
        vec![b"fro\r\nb", b"a\0b", b"c"],
        vec![b"GET", b"k"],
    ];
    words.iter().map(|w| command_bytes(w)).collect()
}

/// Sends each request of [`script`] on one connection to `addr` and keeps
/// each reply: how the transcript is recorded from redis-server, and how
/// a learner's server is replayed.
pub async fn exchange(addr: SocketAddr) -> Result<(Transcript, Option<String>), Failure> {
    let mut client = Client::connect(addr).await?;
    let mut exchanges = Vec::new();
    for request in script() {
        match client.call(&request).await {
            Ok(reply) => exchanges.push((request, reply)),
            Err(why) => return Ok((Transcript { exchanges }, Some(why.describe()))),
        }
    }
    Ok((Transcript { exchanges }, None))
}

/// `redis-cli -p PORT …`, with a deadline: its output, or why there is
/// none.
async fn redis_cli(port: u16, args: &[&str]) -> Result<String, String> {
    let run = tokio::process::Command::new("redis-cli")
        .arg("-p")
        .arg(port.to_string())
        .args(args)
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(super::patience(), run).await {
        Ok(Ok(out)) => Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned()),
        Ok(Err(e)) => Err(format!("redis-cli did not start: {e}")),
        Err(_) => Err(format!(
            "redis-cli gave no answer within {}",
            crate::harness::runner::seconds(super::patience())
        )),
    }
}

/// The real `redis-cli` (skipped where it is not installed): `PING`,
/// `SET` of a value with spaces, `GET` of it and of a missing key, each
/// a connection of its own, print what they print against redis-server.
/// First the grader's own client sends a PING, so a server that never
/// answers is named before redis-cli is blamed.
pub fn redis_cli_talks_to_the_server<A: Api>() -> Result<(), Failure> {
    let server = RunningServer::start::<FramedServer<A>>();
    let port = server.addr().port();
    block_on(async {
        let mut client = Client::connect(server.addr()).await?;
        let ping = command_bytes(&[b"PING"]);
        match client.call(&ping).await {
            Ok(reply) if reply == b"+PONG\r\n" => {}
            Ok(reply) => {
                return Err(Failure::new("The grader's own PING got the wrong reply.")
                    .sent(ping)
                    .expected(describe_bytes(b"+PONG\r\n"))
                    .got(describe_bytes(&reply)));
            }
            Err(why) => {
                return Err(Failure::new(format!(
                    "The grader's own PING got no reply: {}.",
                    why.describe()
                ))
                .sent(ping)
                .expected(describe_bytes(b"+PONG\r\n"))
                .mistake(MISSING_FLUSH));
            }
        }
        let steps: [(&[&str], &str); 4] = [
            (&["ping"], "PONG"),
            (&["set", "greeting", "hello world"], "OK"),
            (&["get", "greeting"], "hello world"),
            (&["get", "nothing-here"], ""),
        ];
        for (args, want) in steps {
            let got = redis_cli(port, args).await;
            if got.as_deref() != Ok(want) {
                return Err(Failure::new(format!(
                    "`redis-cli -p PORT {}` printed {}.",
                    args.join(" "),
                    match &got {
                        Ok(text) => format!("{text:?}"),
                        Err(why) => why.clone(),
                    }
                ))
                .expected(format!("{want:?}, as against redis-server")));
            }
        }
        Ok(())
    })
}

/// The requests of the differential set, one connection, one at a time:
/// every reply equals redis-server 7.0's, byte for byte — errors
/// included, and the connection still open after each error, as Redis
/// keeps it.
pub fn replies_match_redis_server_byte_for_byte<A: Api>() -> Result<(), Failure> {
    let redis = Transcript::parse(FROM_REDIS).map_err(|e| {
        Failure::new(format!(
            "The grader's transcript ch06-redis-server is unreadable: {e}"
        ))
    })?;
    let server = RunningServer::start::<FramedServer<A>>();
    let (got, stopped) = block_on(exchange(server.addr()))?;
    for (i, (request, expected)) in redis.exchanges.iter().enumerate() {
        let step = format!("Step {} of {}", i + 1, redis.exchanges.len());
        match got.exchanges.get(i) {
            Some((_, reply)) if reply == expected => {}
            Some((_, reply)) => {
                let failure = Failure::new(format!(
                    "{step}: the reply to {} differs from redis-server's.",
                    describe_bytes(request)
                ))
                .expected(describe_bytes(expected))
                .got(describe_bytes(reply));
                return Err(if expected.starts_with(b"-") && reply.starts_with(b"-") {
                    failure.mistake(NOT_REDIS_ERROR_TEXT)
                } else {
                    failure
                });
            }
            None => {
                return Err(Failure::new(format!(
                    "{step}: {} got no reply: {}.",
                    describe_bytes(request),
                    stopped.as_deref().unwrap_or("the connection ended")
                ))
                .expected(describe_bytes(expected))
                .mistake(CLOSES_AFTER_ERROR));
            }
        }
    }
    Ok(())
}

/// What the sockets this process accepted on `port` say of `TCP_NODELAY`:
/// for each, whether it is on. Found by asking every open descriptor for
/// its local address: the learner's server runs in the check's own
/// process, so the sockets it accepted are ours to look at. `None` where
/// sockets cannot be looked at this way (not Unix).
#[cfg(unix)]
fn accepted_nodelay(port: u16) -> Option<Vec<bool>> {
    use std::mem::{size_of, zeroed};
    let mut found = Vec::new();
    for fd in 0..4096 {
        // SAFETY: getsockname and getsockopt only write into the buffers
        // given, of the sizes given; a descriptor that is not a socket
        // (or not open) makes them fail, and it is skipped.
        unsafe {
            let mut addr: libc::sockaddr_storage = zeroed();
            let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            if libc::getsockname(fd, (&raw mut addr).cast(), &mut len) != 0 {
                continue;
            }
            let local = match i32::from(addr.ss_family) {
                libc::AF_INET => {
                    let v4: libc::sockaddr_in = *(&raw const addr).cast();
                    u16::from_be(v4.sin_port)
                }
                libc::AF_INET6 => {
                    let v6: libc::sockaddr_in6 = *(&raw const addr).cast();
                    u16::from_be(v6.sin6_port)
                }
                _ => continue,
            };
            if local != port {
                continue;
            }
            let option = |level, name| {
                let mut value: libc::c_int = 0;
                let mut len = size_of::<libc::c_int>() as libc::socklen_t;
                let ok = libc::getsockopt(fd, level, name, (&raw mut value).cast(), &mut len) == 0;
                ok.then_some(value != 0)
            };
            // The listener has the port too; it accepts, it was not accepted.
            #[cfg(target_os = "linux")]
            if option(libc::SOL_SOCKET, libc::SO_ACCEPTCONN) == Some(true) {
                continue;
            }
            #[cfg(not(target_os = "linux"))]
            if libc::getpeername(fd, (&raw mut addr).cast(), &mut len) != 0 {
                continue;
            }
            if let Some(on) = option(libc::IPPROTO_TCP, libc::TCP_NODELAY) {
                found.push(on);
            }
        }
    }
    Some(found)
}

#[cfg(not(unix))]
fn accepted_nodelay(_: u16) -> Option<Vec<bool>> {
    None
}

/// Every connection the server accepts has `TCP_NODELAY` set: after a
/// PING answered on each of three connections, the check reads the option
/// from the sockets the server accepted (they live in the check's own
/// process). Catches a server that leaves Nagle's algorithm on, whose
/// small replies can wait for a delayed ACK (`no-nodelay`).
pub fn accepted_sockets_set_nodelay<A: Api>() -> Result<(), Failure> {
    let server = RunningServer::start::<FramedServer<A>>();
    let port = server.addr().port();
    block_on(async {
        let ping = command_bytes(&[b"PING"]);
        let mut clients = Vec::new();
        for _ in 0..3 {
            let mut client = Client::connect(server.addr()).await?;
            match client.call(&ping).await {
                Ok(reply) if reply == b"+PONG\r\n" => clients.push(client),
                Ok(reply) => {
                    return Err(Failure::new("A PING got the wrong reply.")
                        .sent(ping)
                        .expected(describe_bytes(b"+PONG\r\n"))
                        .got(describe_bytes(&reply)));
                }
                Err(why) => {
                    return Err(
                        Failure::new(format!("A PING got no reply: {}.", why.describe()))
                            .sent(ping)
                            .expected(describe_bytes(b"+PONG\r\n"))
                            .mistake(MISSING_FLUSH),
                    );
                }
            }
        }
        let Some(sockets) = accepted_nodelay(port) else {
            return Ok(());
        };
        let off = sockets.iter().filter(|on| !**on).count();
        if sockets.len() >= clients.len() && off == 0 {
            return Ok(());
        }
        if sockets.len() < clients.len() {
            return Err(Failure::new(format!(
                "Three clients connected and got their PONG, but the grader found {} of the \
                 sockets your server accepted for them in this process.",
                sockets.len()
            ))
            .expected("the accepted sockets, open while their clients are connected"));
        }
        Err(Failure::new(format!(
            "{off} of the {} connections your server accepted had TCP_NODELAY off.",
            sockets.len()
        ))
        .expected("set_nodelay(true) on every accepted socket")
        .got("Nagle's algorithm still on")
        .mistake(NO_NODELAY))
    })
}

/// The frame limit of `a_request_that_never_ends_is_cut_off`'s server.
const SERVER_FRAME_LIMIT: usize = 64 * 1024;

/// Exercise 6.5's server, started with `run_with` and a frame limit of
/// 64 KiB on each connection.
pub struct LimitedServer<A>(std::marker::PhantomData<A>);

impl<A: Api> Serve for LimitedServer<A> {
    fn serve(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = Result<(), String>> {
        A::run_with_max_frame(listener, SERVER_FRAME_LIMIT)
    }
}

/// The server, started with a frame limit of 64 KiB, gets a SET whose
/// value is announced as 512 MiB (the most RESP allows) and whose data
/// keeps coming: it closes the connection before the grader has sent
/// 4 MiB. Catches a server that makes its connections with
/// `Connection::new` (the default limit, 1 GiB) instead of the limits it
/// was given, and one whose `read_frame` has no limit at all.
pub fn a_request_that_never_ends_is_cut_off<A: Api>() -> Result<(), Failure> {
    use tokio::io::AsyncWriteExt;
    const MOST: usize = 4 * 1024 * 1024;
    let wait = std::time::Duration::from_secs(3);
    let server = RunningServer::start::<LimitedServer<A>>();
    let head = b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$536870912\r\n";
    let chunk = [b'v'; 16 * 1024];
    let cut_off = block_on(async {
        let Ok(mut socket) = tokio::net::TcpStream::connect(server.addr()).await else {
            return Err(Failure::new("The grader could not connect to the server."));
        };
        let started = std::time::Instant::now();
        let mut sent = 0;
        if socket.write_all(head).await.is_err() {
            return Ok(true);
        }
        while sent < MOST && started.elapsed() < wait {
            let left = wait.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, socket.write_all(&chunk)).await {
                Ok(Ok(())) => sent += chunk.len(),
                // The server closed the connection: our bytes are refused.
                Ok(Err(_)) => return Ok(true),
                Err(_) => break,
            }
        }
        Ok(false)
    })?;
    if cut_off {
        return Ok(());
    }
    Err(Failure::new(format!(
        "The grader started the server with `run_with` and a frame limit of {SERVER_FRAME_LIMIT} \
         bytes, then sent a SET whose value is announced as 536870912 bytes, and kept sending \
         its data. The server was still taking it when the grader stopped ({} MiB sent, or {} \
         gone, whichever came first).",
        MOST >> 20,
        seconds(wait)
    ))
    .sent(head.to_vec())
    .expected(format!(
        "the connection closed (with an error reply or none) once {SERVER_FRAME_LIMIT} bytes of \
         the request had arrived"
    ))
    .mistake(LIMITS_NOT_PASSED))
}
