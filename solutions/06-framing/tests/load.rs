//! The reference server under load: 10,000 clients connected at once,
//! every one doing SET and GET for a few seconds, every answer checked;
//! and the server's memory per idle connection, measured and printed.
//!
//! The server runs in a child process (this test binary, started again
//! with `LOAD_SERVER_CHILD=1`), so that its memory is its own to measure
//! (`VmRSS` in `/proc/PID/status`) and each process holds only its own
//! 10,000 sockets. A binary of its own, so no other test shares the
//! machine's two cores with it.
//!
//! It needs 10,000 file descriptors on each side: the test raises its
//! soft limit (the child inherits it) and skips, saying why, where the
//! hard limit is too low.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use solution_6::{Config, Connection, Frame, run_with};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// How many clients connect at once.
const CLIENTS: usize = 10_000;

/// How long every client does SET and GET.
const BUSY_FOR: Duration = Duration::from_secs(5);

/// The child's environment variable, and the line it announces its port on.
const CHILD: &str = "LOAD_SERVER_CHILD";
const PORT_LINE: &str = "LOAD SERVER PORT ";

/// Not a test: the server of `ten_thousand_clients_do_set_and_get`, run
/// in a child process. It serves until its standard input closes.
#[test]
#[ignore = "the load test's server process, started by the load test itself"]
fn load_server_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local_addr").port();
        println!("{PORT_LINE}{port}");
        let config = Config {
            max_clients: 2 * CLIENTS,
            ..Config::default()
        };
        tokio::spawn(run_with(listener, config));
        // The parent closes our standard input when it is done (or dies).
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await;
    });
    std::process::exit(0);
}

/// The server child, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(std::env::current_exe().expect("current_exe"))
            .args(["--exact", "load_server_child", "--ignored", "--nocapture"])
            .env(CHILD, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server child");
        let stdout = child.stdout.take().expect("the child's stdout");
        let mut port = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line from the child");
            if let Some(p) = line.strip_prefix(PORT_LINE) {
                port = p.trim().parse::<u16>().ok();
                break;
            }
        }
        let port = port.expect("the child announces its port");
        Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    /// The child's resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the child's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS in /proc status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Raises this process's soft limit on open files to `want` (its
/// children inherit it); `Err` with the reason where the hard limit is
/// lower.
fn raise_open_files(want: u64) -> Result<u64, String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err("getrlimit(RLIMIT_NOFILE) failed".into());
    }
    if limit.rlim_cur >= want {
        return Ok(limit.rlim_cur);
    }
    if limit.rlim_max < want {
        return Err(format!(
            "the hard limit on open files is {}, and this test needs {want}",
            limit.rlim_max
        ));
    }
    limit.rlim_cur = want;
    // SAFETY: setrlimit reads the `rlimit` it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err("setrlimit(RLIMIT_NOFILE) failed".into());
    }
    Ok(want)
}

fn command(words: &[&[u8]]) -> Frame {
    Frame::Array(
        words
            .iter()
            .map(|w| Frame::Bulk(Bytes::copy_from_slice(w)))
            .collect(),
    )
}

/// One request and its reply, which must be `want`.
async fn call(
    connection: &mut Connection<TcpStream>,
    request: &Frame,
    want: &Frame,
) -> Result<(), String> {
    connection
        .write_frame(request)
        .await
        .map_err(|e| e.to_string())?;
    connection.flush().await.map_err(|e| e.to_string())?;
    let got = tokio::time::timeout(Duration::from_secs(20), connection.read_frame())
        .await
        .map_err(|_| format!("no reply to {request:?} within 20 s"))?
        .map_err(|e| e.to_string())?;
    if got.as_ref() == Some(want) {
        Ok(())
    } else {
        Err(format!("{request:?} got {got:?}, expected {want:?}"))
    }
}

/// 10,000 clients connect to one server and stay connected; the server's
/// memory is measured before and after (each client has sent one PING,
/// so its connection is fully set up); then all of them SET and GET keys
/// of their own for five seconds, every answer checked. Prints the
/// figures. Catches a server that refuses, drops or mixes up clients
/// under load, or whose memory per connection is far from a few KiB.
#[test]
fn ten_thousand_clients_do_set_and_get() {
    // Ours, the child's, and a margin for the runtime and the test.
    if let Err(why) = raise_open_files(CLIENTS as u64 + 1024) {
        eprintln!("SKIPPED ten_thousand_clients_do_set_and_get: {why}");
        return;
    }
    let server = Server::start();
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let started = Instant::now();
        let rss_before = server.rss_kib();
        // Connect them all, a few hundred at a time so the listen queue
        // never overflows.
        let connecting = Arc::new(Semaphore::new(256));
        let mut joins = Vec::with_capacity(CLIENTS);
        for i in 0..CLIENTS {
            let connecting = connecting.clone();
            joins.push(tokio::spawn(async move {
                let permit = connecting
                    .acquire_owned()
                    .await
                    .map_err(|e| e.to_string())?;
                let socket = TcpStream::connect(addr)
                    .await
                    .map_err(|e| format!("client {i}: connect: {e}"))?;
                socket.set_nodelay(true).map_err(|e| e.to_string())?;
                let mut connection = Connection::new(socket);
                call(
                    &mut connection,
                    &command(&[b"PING"]),
                    &Frame::Simple("PONG".into()),
                )
                .await
                .map_err(|e| format!("client {i}: {e}"))?;
                drop(permit);
                Ok::<_, String>(connection)
            }));
        }
        let mut connections = Vec::with_capacity(CLIENTS);
        for join in joins {
            connections.push(join.await.expect("a client's task").expect("a client"));
        }
        let connected_in = started.elapsed();
        // Give the server a moment to settle, then weigh it.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss_idle = server.rss_kib();
        let per_connection = (rss_idle.saturating_sub(rss_before)) as f64 * 1024.0 / CLIENTS as f64;
        eprintln!(
            "{CLIENTS} clients connected in {connected_in:.1?}; server RSS {rss_before} KiB \
             before, {rss_idle} KiB with them idle: {:.1} KiB per idle connection",
            per_connection / 1024.0
        );

        // All of them busy at once, for BUSY_FOR.
        let requests = Arc::new(AtomicUsize::new(0));
        let until = Instant::now() + BUSY_FOR;
        let mut joins = Vec::with_capacity(CLIENTS);
        for (i, mut connection) in connections.into_iter().enumerate() {
            let requests = requests.clone();
            joins.push(tokio::spawn(async move {
                let mut round = 0u64;
                // Every client does at least one round, however late its
                // task starts.
                while round == 0 || Instant::now() < until {
                    let key = format!("client:{i}:{}", round % 4);
                    let value = format!("{i}/{round} \r\n\0");
                    call(
                        &mut connection,
                        &command(&[b"SET", key.as_bytes(), value.as_bytes()]),
                        &Frame::Simple("OK".into()),
                    )
                    .await
                    .map_err(|e| format!("client {i}: {e}"))?;
                    call(
                        &mut connection,
                        &command(&[b"GET", key.as_bytes()]),
                        &Frame::Bulk(Bytes::from(value)),
                    )
                    .await
                    .map_err(|e| format!("client {i}: {e}"))?;
                    requests.fetch_add(2, Ordering::Relaxed);
                    round += 1;
                }
                Ok::<_, String>(round)
            }));
        }
        let mut rounds = Vec::with_capacity(CLIENTS);
        for join in joins {
            rounds.push(join.await.expect("a client's task").expect("a client"));
        }
        let rss_busy = server.rss_kib();
        let total = requests.load(Ordering::Relaxed);
        eprintln!(
            "{CLIENTS} clients busy for {BUSY_FOR:?}: {total} requests, every answer right \
             ({:.0} a second; fewest rounds by one client: {}); server RSS {rss_busy} KiB; \
             {:.1?} in all",
            total as f64 / BUSY_FOR.as_secs_f64(),
            rounds.iter().min().copied().unwrap_or(0),
            started.elapsed()
        );
        assert!(rounds.iter().all(|&r| r >= 1));
        // A few KiB per connection (buffers, a task, a socket): far more
        // means something is kept per connection that should not be.
        assert!(
            per_connection < 64.0 * 1024.0,
            "{per_connection:.0} bytes per idle connection"
        );
    });
}
