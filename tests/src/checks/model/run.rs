//! Plays a session against a running server and compares every reply with
//! the model's.
//!
//! Each connection is a raw TCP client with Nagle's algorithm off, so a
//! write of several requests leaves as one segment and the pieces of a
//! split request leave as pieces (with a short pause between them). One
//! step runs at a time; the clients of one step write and read at the same
//! time, each in a task of its own.

use std::io::Cursor;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::session::{Send, Session, Step};
use super::{Expected, Model};
use crate::fixtures::RunningServer;

/// What came back for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    /// One complete RESP frame.
    Reply(Vec<u8>),
    /// Nothing complete within the wait; holds what did arrive.
    Silent(Vec<u8>),
    /// The server closed the connection; holds what arrived first.
    Closed(Vec<u8>),
    /// Bytes that are not RESP.
    Garbled(Vec<u8>),
}

impl Got {
    /// The reply as a correct server's is judged: a frame, or `None` for a
    /// close before any byte of one.
    pub fn as_reply(&self) -> Option<Option<&[u8]>> {
        match self {
            Got::Reply(r) => Some(Some(r)),
            Got::Closed(partial) if partial.is_empty() => Some(None),
            _ => None,
        }
    }

    /// Whether a correct server could have given it.
    pub fn agrees(&self, expected: &Expected) -> bool {
        self.as_reply().is_some_and(|r| expected.admits(r))
    }
}

/// How long the run waits.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// For one reply before calling the server silent.
    pub reply: Duration,
    /// Between the pieces of a split write.
    pub pause: Duration,
    /// After a divergent reply, for one more (is it a reply too many?).
    pub look_ahead: Option<Duration>,
}

impl Timing {
    /// While looking for a divergence: a patient wait for replies.
    pub fn search() -> Timing {
        Timing {
            reply: crate::harness::scaled(Duration::from_secs(2)),
            pause: Duration::from_millis(1),
            look_ahead: None,
        }
    }

    /// While shrinking: a silent candidate costs little (the shortest
    /// session is confirmed with [`Timing::confirm`] afterwards).
    pub fn shrink() -> Timing {
        Timing {
            reply: crate::harness::scaled(Duration::from_millis(250)),
            ..Timing::search()
        }
    }

    /// The run whose transcript is shown.
    pub fn confirm() -> Timing {
        Timing {
            reply: crate::harness::scaled(Duration::from_secs(1)),
            look_ahead: Some(crate::harness::scaled(Duration::from_millis(100))),
            ..Timing::search()
        }
    }
}

/// Where a run first left the model.
#[derive(Debug, Clone)]
pub struct Divergence {
    /// The step, in the session.
    pub step: usize,
    /// The send, in the step.
    pub send: usize,
    /// The request, in the send.
    pub request: usize,
    /// What a correct server answers.
    pub expected: Expected,
    /// What came back.
    pub got: Got,
    /// The reply after it, when the run looked ahead.
    pub next: Option<Got>,
    /// What went wrong when it was no reply at all (no connection, a
    /// server that stopped).
    pub trouble: Option<Trouble>,
}

/// Divergences that are not about one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// A new connection could not be opened.
    NoConnection(String),
    /// The learner's serve function returned.
    Stopped,
}

/// What a run saw: every reply of every send, and the divergence, if any.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Per step, per send: the replies read (fewer than the requests when
    /// one went unanswered).
    pub replies: Vec<Vec<Vec<Got>>>,
    /// Per connection: every byte sent and received.
    pub wires: Vec<(Vec<u8>, Vec<u8>)>,
    /// The first divergence.
    pub divergence: Option<Divergence>,
}

/// One client.
struct Conn {
    stream: TcpStream,
    buffer: Vec<u8>,
    sent: Vec<u8>,
    received: Vec<u8>,
}

/// Whether `buffer` starts with a complete frame (`Ok(Some(len))`), part
/// of one (`Ok(None)`), or bytes that are not RESP (`Err`).
fn frame_in(buffer: &[u8]) -> Result<Option<usize>, ()> {
    let mut cursor = Cursor::new(buffer);
    match mini_redis::Frame::check(&mut cursor) {
        Ok(()) => Ok(usize::try_from(cursor.position()).ok()),
        Err(mini_redis::frame::Error::Incomplete) => Ok(None),
        Err(mini_redis::frame::Error::Other(_)) => Err(()),
    }
}

impl Conn {
    async fn open(addr: SocketAddr, wait: Duration) -> Result<Conn, String> {
        let stream = match tokio::time::timeout(wait, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err("connecting timed out".to_owned()),
        };
        let _ = stream.set_nodelay(true);
        Ok(Conn {
            stream,
            buffer: Vec::new(),
            sent: Vec::new(),
            received: Vec::new(),
        })
    }

    /// Writes `bytes`; false when the server has closed the connection.
    async fn write(&mut self, bytes: &[u8]) -> bool {
        self.sent.extend_from_slice(bytes);
        self.stream.write_all(bytes).await.is_ok()
    }

    /// Reads one reply, waiting at most `wait`.
    async fn reply(&mut self, wait: Duration) -> Got {
        let mut chunk = vec![0u8; 16 * 1024];
        let read = async {
            loop {
                match frame_in(&self.buffer) {
                    Ok(Some(len)) => return Got::Reply(self.buffer.drain(..len).collect()),
                    Ok(None) => {}
                    Err(()) => return Got::Garbled(std::mem::take(&mut self.buffer)),
                }
                match self.stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return Got::Closed(std::mem::take(&mut self.buffer)),
                    Ok(n) => {
                        self.received.extend_from_slice(&chunk[..n]);
                        self.buffer.extend_from_slice(&chunk[..n]);
                    }
                }
            }
        };
        match crate::fixtures::activity::within(wait, read).await {
            Some(got) => got,
            None => Got::Silent(self.buffer.clone()),
        }
    }

    /// Writes one send's pieces, then reads its replies until one does not
    /// come.
    async fn exchange(&mut self, send: &Send, timing: Timing) -> Vec<Got> {
        let mut open = true;
        for (i, piece) in send.pieces().iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(timing.pause).await;
            }
            if !self.write(piece).await {
                open = false;
                break;
            }
        }
        let mut replies = Vec::with_capacity(send.requests.len());
        for _ in &send.requests {
            let got = self.reply(timing.reply).await;
            let more = matches!(got, Got::Reply(_));
            replies.push(got);
            if !more {
                break;
            }
        }
        if !open && replies.is_empty() {
            replies.push(Got::Closed(Vec::new()));
        }
        replies
    }

    async fn close(mut self) -> (Vec<u8>, Vec<u8>) {
        let _ = self.stream.shutdown().await;
        (self.sent, self.received)
    }
}

/// The connections of a run, by number.
struct Conns {
    addr: SocketAddr,
    wait: Duration,
    live: Vec<Option<Conn>>,
    wires: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Conns {
    fn slot(&mut self, conn: usize) -> &mut Option<Conn> {
        if self.live.len() <= conn {
            self.live.resize_with(conn + 1, || None);
            self.wires.resize_with(conn + 1, Default::default);
        }
        &mut self.live[conn]
    }

    /// The connection, opened on first use.
    async fn take(&mut self, conn: usize) -> Result<Conn, String> {
        let (addr, wait) = (self.addr, self.wait);
        match self.slot(conn).take() {
            Some(c) => Ok(c),
            None => Conn::open(addr, wait).await,
        }
    }

    fn put(&mut self, conn: usize, c: Conn) {
        self.wires[conn] = (c.sent.clone(), c.received.clone());
        *self.slot(conn) = Some(c);
    }

    async fn end(&mut self, conn: usize, c: Conn) {
        self.slot(conn);
        self.wires[conn] = c.close().await;
    }
}

/// Plays `session` against `server`, asking a fresh model `M` what every
/// reply must be, and stops at the first divergence.
pub async fn run<M: Model>(server: &RunningServer, session: &Session, timing: Timing) -> Outcome {
    let mut model = M::default();
    let mut conns = Conns {
        addr: server.addr(),
        wait: timing.reply,
        live: Vec::new(),
        wires: Vec::new(),
    };
    let mut outcome = Outcome::default();
    for (s, step) in session.steps.iter().enumerate() {
        outcome.replies.push(Vec::new());
        match step {
            Step::Send(sends) => {
                let mut taken = Vec::with_capacity(sends.len());
                for send in sends {
                    match conns.take(send.conn).await {
                        Ok(c) => taken.push(c),
                        Err(e) => {
                            outcome.divergence = Some(trouble(s, Trouble::NoConnection(e)));
                            outcome.wires = conns.wires;
                            return outcome;
                        }
                    }
                }
                let results: Vec<(Conn, Vec<Got>)> = if sends.len() == 1 {
                    let mut c = taken.pop().expect("one connection for one send");
                    let replies = c.exchange(&sends[0], timing).await;
                    vec![(c, replies)]
                } else {
                    let tasks: Vec<_> = taken
                        .into_iter()
                        .zip(sends.iter().cloned())
                        .map(|(mut c, send)| {
                            tokio::spawn(async move {
                                let replies = c.exchange(&send, timing).await;
                                (c, replies)
                            })
                        })
                        .collect();
                    let mut results = Vec::with_capacity(tasks.len());
                    for task in tasks {
                        results.push(task.await.expect("a grader's client task panicked"));
                    }
                    results
                };
                let mut divergence = None;
                for (k, (send, (mut c, replies))) in sends.iter().zip(results).enumerate() {
                    for (j, request) in send.requests.iter().enumerate() {
                        if divergence.is_some() {
                            break;
                        }
                        let want = model.reply_to(send.conn, request);
                        let got = replies.get(j).cloned().unwrap_or(Got::Silent(Vec::new()));
                        if !got.agrees(&want) {
                            let next = match (timing.look_ahead, &got) {
                                (Some(wait), Got::Reply(_)) if j + 1 == replies.len() => {
                                    Some(c.reply(wait).await)
                                }
                                _ => replies.get(j + 1).cloned(),
                            };
                            divergence = Some(Divergence {
                                step: s,
                                send: k,
                                request: j,
                                expected: want.clone(),
                                got,
                                next,
                                trouble: None,
                            });
                        }
                    }
                    outcome.replies[s].push(replies);
                    let ends = send.requests.iter().any(|r| r.command.ends_connection());
                    if ends {
                        conns.end(send.conn, c).await;
                    } else {
                        conns.put(send.conn, c);
                    }
                }
                if divergence.is_some() {
                    outcome.divergence = divergence;
                    outcome.wires = conns.wires;
                    return outcome;
                }
            }
            Step::Close(conn) => {
                if let Some(c) = conns.slot(*conn).take() {
                    conns.end(*conn, c).await;
                }
            }
            Step::HangUp {
                conn,
                requests,
                partial,
            } => {
                let mut c = match conns.take(*conn).await {
                    Ok(c) => c,
                    Err(e) => {
                        outcome.divergence = Some(trouble(s, Trouble::NoConnection(e)));
                        outcome.wires = conns.wires;
                        return outcome;
                    }
                };
                let mut bytes: Vec<u8> = requests.iter().flat_map(|r| r.bytes.clone()).collect();
                bytes.extend_from_slice(partial);
                c.write(&bytes).await;
                conns.slot(*conn);
                conns.wires[*conn] = (c.sent.clone(), c.received.clone());
                // Dropped without reading: the client is gone.
                drop(c);
            }
        }
    }
    if server.ended().is_some() {
        let last = session.steps.len().saturating_sub(1);
        outcome.divergence = Some(trouble(last, Trouble::Stopped));
    }
    for conn in 0..conns.live.len() {
        if let Some(c) = conns.live[conn].take() {
            conns.end(conn, c).await;
        }
    }
    outcome.wires = conns.wires;
    outcome
}

fn trouble(step: usize, what: Trouble) -> Divergence {
    Divergence {
        step,
        send: 0,
        request: 0,
        expected: Expected::Ok,
        got: Got::Silent(Vec::new()),
        next: None,
        trouble: Some(what),
    }
}
