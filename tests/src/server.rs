//! Grading a learner's server: start it, talk RESP to it, compare replies.
//!
//! Server chapters (2, 3, 6 and later) all hand the grader a function that
//! takes a bound `TcpListener`. [`Serve`] is that function seen from here;
//! [`RunningServer`] runs it on a runtime of its own, in a thread of its
//! own, so the learner's future need not be `Send` and a server that blocks
//! its threads cannot stall the grader's clients. [`Client`] speaks raw RESP
//! so the checks see exact bytes, and [`Transcript`] holds a scripted
//! session recorded from the reference solution.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::failure::{Failure, describe_bytes, escape};

/// A server function under test, as the grader starts it.
pub trait Serve: 'static {
    /// Serves clients on `listener` until the future is dropped. `Err` says
    /// why the learner's function returned early.
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
}

/// How long a check waits for one reply before calling the server silent.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

/// A learner's server, running on 127.0.0.1 on a port the OS chose.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    ended: Arc<Mutex<Option<Result<(), String>>>>,
}

impl RunningServer {
    /// Binds a listener on port 0 and starts `S::serve` on it.
    ///
    /// # Panics
    /// If no loopback port can be bound or no thread started: the grader
    /// cannot work without them.
    pub fn start<S: Serve>() -> RunningServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("grader: cannot bind a port on 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("grader: cannot make the listener non-blocking");
        let addr = listener
            .local_addr()
            .expect("bound listener has an address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let ended: Arc<Mutex<Option<Result<(), String>>>> = Arc::default();
        let report = Arc::clone(&ended);
        std::thread::Builder::new()
            .name("server-under-test".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("grader: cannot start the server's runtime");
                // The future is created and polled on this thread only, so
                // the learner's `serve` need not be `Send`.
                let result = runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)
                        .expect("grader: cannot register the listener");
                    tokio::select! {
                        result = S::serve(listener) => Some(result),
                        _ = stopped => None,
                    }
                });
                if let Some(result) = result {
                    *report.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                }
                runtime.shutdown_background();
            })
            .expect("grader: cannot start the server's thread");
        RunningServer {
            addr,
            stop: Some(stop),
            ended,
        }
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// If the learner's serve function has returned, what it returned.
    pub fn ended(&self) -> Option<Result<(), String>> {
        self.ended.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits up to `limit` for the learner's serve function to return, and
    /// says what it returned if it did. Checks call this after provoking a
    /// client-side event that must not stop the server, so that a server
    /// that does stop is reported the same way every time.
    pub async fn wait_ended(&self, limit: Duration) -> Option<Result<(), String>> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(ended) = self.ended() {
                return Some(ended);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// A sentence on the server's fate, for failure messages.
    pub fn fate(&self) -> Option<String> {
        match self.ended()? {
            Ok(()) => Some("your serve function returned Ok(()): the server stopped".to_owned()),
            Err(e) => Some(format!(
                "your serve function returned Err({e}): the server stopped"
            )),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Encodes a command as a RESP array of bulk strings.
pub fn command(words: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", words.len()).into_bytes();
    for word in words {
        out.extend_from_slice(format!("${}\r\n", word.len()).as_bytes());
        out.extend_from_slice(word.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Why a reply did not arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoReply {
    /// Nothing complete arrived within the timeout; holds what did.
    Silent(Vec<u8>),
    /// The server closed the connection; holds what arrived first.
    Closed(Vec<u8>),
    /// The connection failed (reset, refused).
    Broken(String),
}

impl NoReply {
    /// In plain words.
    pub fn describe(&self) -> String {
        match self {
            NoReply::Silent(partial) if partial.is_empty() => format!(
                "no reply within {} s: the server stayed silent",
                REPLY_TIMEOUT.as_secs()
            ),
            NoReply::Silent(partial) => format!(
                "only part of a reply within {} s: {}",
                REPLY_TIMEOUT.as_secs(),
                describe_bytes(partial)
            ),
            NoReply::Closed(partial) if partial.is_empty() => {
                "the server closed the connection without replying".to_owned()
            }
            NoReply::Closed(partial) => format!(
                "the server closed the connection after part of a reply: {}",
                describe_bytes(partial)
            ),
            NoReply::Broken(e) => format!("the connection failed: {e}"),
        }
    }
}

/// A reset or a broken pipe means the server closed the connection (which
/// one a client sees depends on timing); anything else is a failure.
fn closed_or_broken(e: &std::io::Error, partial: &[u8]) -> NoReply {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    match e.kind() {
        ConnectionReset | BrokenPipe | ConnectionAborted => NoReply::Closed(partial.to_vec()),
        _ => NoReply::Broken(e.to_string()),
    }
}

/// A raw RESP client that keeps a log of what it sent and received.
pub struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// Every byte sent, in order.
    pub sent: Vec<u8>,
    /// Every byte received, in order.
    pub received: Vec<u8>,
}

impl Client {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> Result<Client, Failure> {
        let stream = tokio::time::timeout(REPLY_TIMEOUT, TcpStream::connect(addr))
            .await
            .map_err(|_| Failure::new(format!("Connecting to your server at {addr} timed out.")))?
            .map_err(|e| {
                Failure::new(format!("Could not connect to your server at {addr}: {e}"))
            })?;
        Ok(Client {
            stream,
            buffer: Vec::new(),
            sent: Vec::new(),
            received: Vec::new(),
        })
    }

    /// Sends raw bytes.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), NoReply> {
        self.sent.extend_from_slice(bytes);
        self.stream
            .write_all(bytes)
            .await
            .map_err(|e| closed_or_broken(&e, &self.buffer))
    }

    /// Reads one complete RESP frame.
    pub async fn reply(&mut self) -> Result<Vec<u8>, NoReply> {
        let read = async {
            loop {
                if let Some(len) = frame_len(&self.buffer) {
                    let frame: Vec<u8> = self.buffer.drain(..len).collect();
                    return Ok(frame);
                }
                let mut chunk = [0u8; 4096];
                match self.stream.read(&mut chunk).await {
                    Ok(0) => return Err(NoReply::Closed(self.buffer.clone())),
                    Ok(n) => {
                        self.received.extend_from_slice(&chunk[..n]);
                        self.buffer.extend_from_slice(&chunk[..n]);
                    }
                    Err(e) => return Err(closed_or_broken(&e, &self.buffer)),
                }
            }
        };
        match tokio::time::timeout(REPLY_TIMEOUT, read).await {
            Ok(result) => result,
            Err(_) => Err(NoReply::Silent(self.buffer.clone())),
        }
    }

    /// Sends a command and reads its reply.
    pub async fn call(&mut self, request: &[u8]) -> Result<Vec<u8>, NoReply> {
        self.send(request).await?;
        self.reply().await
    }

    /// Closes the connection (both directions).
    pub async fn close(mut self) {
        let _ = self.stream.shutdown().await;
    }
}

/// The length of the first complete RESP frame in `buf`, if there is one.
pub fn frame_len(buf: &[u8]) -> Option<usize> {
    let mut cursor = std::io::Cursor::new(buf);
    match mini_redis::Frame::check(&mut cursor) {
        Ok(()) => usize::try_from(cursor.position()).ok(),
        Err(_) => None,
    }
}

/// A scripted session recorded from the reference server: each request and
/// the reply the reference gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Request and reply bytes, in order.
    pub exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Transcript {
    /// Renders it as the committed text: `> request` and `< reply` lines,
    /// each an escaped byte string.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (request, reply) in &self.exchanges {
            out.push_str(&format!("> {}\n< {}\n", escape(request), escape(reply)));
        }
        out
    }

    /// Parses the committed text (an insta snapshot: its `---` header is
    /// skipped).
    pub fn parse(text: &str) -> Result<Transcript, String> {
        let body = match text.strip_prefix("---\n") {
            Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, body)| body),
            None => text,
        };
        let mut exchanges = Vec::new();
        let mut request = None;
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(req) = line.strip_prefix("> ") {
                request = Some(unescape(req)?);
            } else if let Some(rep) = line.strip_prefix("< ") {
                let req = request.take().ok_or("a reply line without a request")?;
                exchanges.push((req, unescape(rep)?));
            } else {
                return Err(format!("unexpected transcript line: {line}"));
            }
        }
        Ok(Transcript { exchanges })
    }

    /// The requests alone.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.exchanges.iter().map(|(r, _)| r.clone()).collect()
    }
}

/// Whether a learner's reply matches the reference's: byte for byte,
/// except that any error reply matches an error reply (error texts are the
/// learner's to word).
pub fn reply_matches(expected: &[u8], got: &[u8]) -> bool {
    if expected.first() == Some(&b'-') {
        got.first() == Some(&b'-') && got.ends_with(b"\r\n")
    } else {
        expected == got
    }
}

/// Reverses [`escape`].
pub fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| format!("not a quoted byte string: {text}"))?;
    let mut out = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('"') => out.push(b'"'),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).map_err(|e| format!("bad \\x{hex}: {e}"))?);
            }
            other => return Err(format!("bad escape \\{other:?} in {text}")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_survive_a_round_trip() {
        let t = Transcript {
            exchanges: vec![
                (command(&["GET", "k"]), b"$-1\r\n".to_vec()),
                (vec![0, 255], b"-ERR x\r\n".to_vec()),
            ],
        };
        let text = format!("---\nsource: x\n---\n{}", t.render());
        assert_eq!(Transcript::parse(&text), Ok(t));
    }

    #[test]
    fn any_error_matches_an_error() {
        assert!(reply_matches(
            b"-ERR unknown command 'ping'\r\n",
            b"-ERR nope\r\n"
        ));
        assert!(!reply_matches(b"-ERR x\r\n", b"+OK\r\n"));
        assert!(!reply_matches(b"$-1\r\n", b"$0\r\n\r\n"));
    }

    #[test]
    fn frame_len_finds_the_first_complete_frame() {
        assert_eq!(frame_len(b"+OK\r\n+O"), Some(5));
        assert_eq!(frame_len(b"$5\r\nwor"), None);
    }
}
