//! Random sessions: what the clients of a model-based check send, and how.
//!
//! A [`Session`] is a list of [`Step`]s over numbered connections: some
//! requests written by one client (pipelined in one write, or split into
//! pieces), or by several clients at once; a client that closes; a client
//! that hangs up in the middle of a request. Sessions are drawn from the
//! check's seeded generator, so the same seed gives the same sessions, and
//! they are plain data, so the shrinker can cut them down.

use std::collections::HashSet;

use crate::failure::escape;
use crate::fixtures::command_bytes;

/// What a request asks, as the model reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `SET key value`.
    Set {
        /// The key (always UTF-8: mini-redis parses keys as strings).
        key: String,
        /// The value: any bytes.
        value: Vec<u8>,
    },
    /// `GET key`.
    Get {
        /// The key.
        key: String,
    },
    /// A well-formed command of a name the server does not run.
    Unknown,
    /// An array of bulk strings that is not a valid command of this server:
    /// a GET or SET with the wrong number of words, or a key that is not
    /// UTF-8.
    BadCommand,
    /// A RESP frame that is not a command at all: an integer, a simple
    /// string, an empty array. The server may answer with an error or close
    /// the connection (Redis closes on protocol errors); the session ends
    /// the connection there either way.
    NotACommand,
    /// Bytes that are not RESP. Like [`Command::NotACommand`], an error or a
    /// close, and the end of the connection.
    Malformed,
}

impl Command {
    /// Whether the connection ends after this request (the session closes
    /// it, whatever the server did).
    pub fn ends_connection(&self) -> bool {
        matches!(self, Command::NotACommand | Command::Malformed)
    }

    /// Whether the request changes the store.
    pub fn writes(&self) -> bool {
        matches!(self, Command::Set { .. })
    }

    /// The key it uses, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            Command::Set { key, .. } | Command::Get { key } => Some(key),
            _ => None,
        }
    }
}

/// One request: what it means and the bytes that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What it asks.
    pub command: Command,
    /// Its words, for a command sent as an array of bulk strings.
    pub words: Vec<Vec<u8>>,
    /// The bytes on the wire.
    pub bytes: Vec<u8>,
}

impl Request {
    /// A command of binary words.
    pub fn words(command: Command, words: Vec<Vec<u8>>) -> Request {
        let refs: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
        let bytes = command_bytes(&refs);
        Request {
            command,
            words,
            bytes,
        }
    }

    /// `SET key value`, its name spelled `name`.
    pub fn set(name: &str, key: &str, value: &[u8]) -> Request {
        Request::words(
            Command::Set {
                key: key.to_owned(),
                value: value.to_vec(),
            },
            vec![name.into(), key.into(), value.to_vec()],
        )
    }

    /// `GET key`, its name spelled `name`.
    pub fn get(name: &str, key: &str) -> Request {
        Request::words(
            Command::Get {
                key: key.to_owned(),
            },
            vec![name.into(), key.into()],
        )
    }

    /// Raw bytes that are no command.
    pub fn raw(command: Command, bytes: &[u8]) -> Request {
        Request {
            command,
            words: Vec::new(),
            bytes: bytes.to_vec(),
        }
    }

    /// The same request with a shorter value, if it is a SET whose value
    /// can shrink.
    pub fn with_value(&self, value: &[u8]) -> Option<Request> {
        match &self.command {
            Command::Set { key, value: old } if old.as_slice() != value => {
                let name = String::from_utf8_lossy(&self.words[0]).into_owned();
                Some(Request::set(&name, key, value))
            }
            _ => None,
        }
    }

    /// The same request with another key, if it is a SET or a GET.
    pub fn with_key(&self, new: &str) -> Option<Request> {
        let name = String::from_utf8_lossy(self.words.first()?).into_owned();
        match &self.command {
            Command::Set { value, .. } => Some(Request::set(&name, new, value)),
            Command::Get { .. } => Some(Request::get(&name, new)),
            _ => None,
        }
    }

    /// How a transcript shows it: `SET "user:1" "a\r\nb"` (each argument an
    /// escaped byte string, long ones cut short), or the escaped bytes of
    /// what is no command.
    pub fn show(&self) -> String {
        if self.words.is_empty() {
            return short(&self.bytes);
        }
        let mut out = String::from_utf8_lossy(&self.words[0]).into_owned();
        if out.is_empty() || out.contains(['\r', '\n', ' ', '"']) {
            out = escape(&self.words[0]);
        }
        for word in &self.words[1..] {
            out.push(' ');
            out.push_str(&short(word));
        }
        out
    }
}

/// Escaped bytes, cut short past 48 bytes.
pub fn short(bytes: &[u8]) -> String {
    const SHOWN: usize = 48;
    if bytes.len() <= SHOWN {
        escape(bytes)
    } else {
        format!("{}… ({} bytes)", escape(&bytes[..SHOWN]), bytes.len())
    }
}

/// What one client writes in one go: requests, pipelined in one write, or
/// split into pieces at `cuts` (byte offsets into their bytes), written
/// with a short pause between pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Send {
    /// The connection, numbered from 0 in order of first use.
    pub conn: usize,
    /// The requests, in order.
    pub requests: Vec<Request>,
    /// Where the bytes are split into separate writes (sorted, inside).
    pub cuts: Vec<usize>,
}

impl Send {
    /// All the requests' bytes, as one stream.
    pub fn bytes(&self) -> Vec<u8> {
        self.requests.iter().flat_map(|r| r.bytes.clone()).collect()
    }

    /// The writes: the bytes split at the cuts.
    pub fn pieces(&self) -> Vec<Vec<u8>> {
        let bytes = self.bytes();
        let mut pieces = Vec::with_capacity(self.cuts.len() + 1);
        let mut start = 0;
        for &cut in &self.cuts {
            if cut > start && cut < bytes.len() {
                pieces.push(bytes[start..cut].to_vec());
                start = cut;
            }
        }
        pieces.push(bytes[start..].to_vec());
        pieces
    }

    /// Whether this send tests the byte stream: several requests in one
    /// write, or one request in several.
    pub fn streams(&self) -> bool {
        self.requests.len() > 1 || self.pieces().len() > 1
    }
}

/// One step of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Clients write requests — one client, or several at the same time —
    /// and then read every reply.
    Send(Vec<Send>),
    /// A client closes its connection.
    Close(usize),
    /// A client writes `requests` that change nothing and `partial`, the
    /// first bytes of one more request, and hangs up without reading.
    HangUp {
        /// The connection.
        conn: usize,
        /// Complete requests it will not wait for.
        requests: Vec<Request>,
        /// Part of one more request.
        partial: Vec<u8>,
    },
}

impl Step {
    /// The connections the step uses.
    pub fn conns(&self) -> Vec<usize> {
        match self {
            Step::Send(sends) => sends.iter().map(|s| s.conn).collect(),
            Step::Close(conn) | Step::HangUp { conn, .. } => vec![*conn],
        }
    }
}

/// A random session: steps over numbered connections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// What sessions a server's model can judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Several clients may be connected at once (from 2.2 on). When false
    /// (2.1 serves one client at a time), a connection opens only after the
    /// one before it has ended.
    pub concurrent: bool,
    /// Clients use each other's keys. When false, each connection keeps
    /// keys of its own, so a per-connection store (2.3) and a shared one
    /// answer alike.
    pub shared_keys: bool,
}

impl Session {
    /// How many requests it sends (complete ones).
    pub fn requests(&self) -> usize {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Send(sends) => sends.iter().map(|s| s.requests.len()).sum(),
                Step::Close(_) => 0,
                Step::HangUp { requests, .. } => requests.len(),
            })
            .sum()
    }

    /// How many connections it opens.
    pub fn connections(&self) -> usize {
        let used: HashSet<usize> = self.steps.iter().flat_map(Step::conns).collect();
        used.len()
    }

    /// How many bytes it writes.
    pub fn bytes(&self) -> usize {
        self.steps
            .iter()
            .map(|step| match step {
                Step::Send(sends) => sends.iter().map(|s| s.bytes().len()).sum(),
                Step::Close(_) => 0,
                Step::HangUp {
                    requests, partial, ..
                } => requests.iter().map(|r| r.bytes.len()).sum::<usize>() + partial.len(),
            })
            .sum()
    }

    /// Whether the session is one the model can judge: nothing is sent on
    /// a connection after it ended, several clients write at once only to
    /// a concurrent server and with keys of their own, and a server of one
    /// client at a time never has two connections open.
    pub fn valid(&self, shape: Shape) -> bool {
        let mut ended: HashSet<usize> = HashSet::new();
        let mut open: Option<usize> = None;
        for step in &self.steps {
            let conns = step.conns();
            if conns.iter().any(|c| ended.contains(c)) {
                return false;
            }
            if let Step::Send(sends) = step {
                if sends.is_empty() || sends.iter().any(|s| s.requests.is_empty()) {
                    return false;
                }
                if sends.len() > 1 {
                    if !shape.concurrent {
                        return false;
                    }
                    let mut seen: HashSet<usize> = HashSet::new();
                    let mut keys: Vec<HashSet<&str>> = Vec::new();
                    for send in sends {
                        if !seen.insert(send.conn) {
                            return false;
                        }
                        keys.push(
                            send.requests
                                .iter()
                                .filter_map(|r| r.command.key())
                                .collect(),
                        );
                    }
                    for (i, mine) in keys.iter().enumerate() {
                        if keys[i + 1..].iter().any(|other| !mine.is_disjoint(other)) {
                            return false;
                        }
                    }
                }
                for send in sends {
                    let last = send.requests.len() - 1;
                    if send.requests[..last]
                        .iter()
                        .any(|r| r.command.ends_connection())
                    {
                        return false;
                    }
                }
            }
            if !shape.concurrent {
                let conn = conns[0];
                match open {
                    Some(current) if current != conn => return false,
                    _ => open = Some(conn),
                }
            }
            let ends: Vec<usize> = match step {
                Step::Send(sends) => sends
                    .iter()
                    .filter(|s| s.requests.iter().any(|r| r.command.ends_connection()))
                    .map(|s| s.conn)
                    .collect(),
                Step::Close(conn) | Step::HangUp { conn, .. } => vec![*conn],
            };
            for conn in ends {
                ended.insert(conn);
                if open == Some(conn) {
                    open = None;
                }
            }
        }
        true
    }

    /// The same session with connections renumbered in order of first use.
    pub fn renumbered(&self) -> Session {
        let mut order: Vec<usize> = Vec::new();
        for step in &self.steps {
            for conn in step.conns() {
                if !order.contains(&conn) {
                    order.push(conn);
                }
            }
        }
        self.with_conns(|conn| order.iter().position(|&c| c == conn).unwrap_or(conn))
    }

    /// The same session with every connection number `c` changed to
    /// `new(c)`.
    fn with_conns(&self, new: impl Fn(usize) -> usize) -> Session {
        let steps = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Send(sends) => Step::Send(
                    sends
                        .iter()
                        .map(|s| Send {
                            conn: new(s.conn),
                            ..s.clone()
                        })
                        .collect(),
                ),
                Step::Close(conn) => Step::Close(new(*conn)),
                Step::HangUp {
                    conn,
                    requests,
                    partial,
                } => Step::HangUp {
                    conn: new(*conn),
                    requests: requests.clone(),
                    partial: partial.clone(),
                },
            })
            .collect();
        Session { steps }
    }

    /// The steps of one connection alone.
    pub fn only(&self, conn: usize) -> Session {
        let steps = self
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Send(sends) => {
                    let mine: Vec<Send> =
                        sends.iter().filter(|s| s.conn == conn).cloned().collect();
                    (!mine.is_empty()).then_some(Step::Send(mine))
                }
                other => other.conns().contains(&conn).then(|| other.clone()),
            })
            .collect();
        Session { steps }
    }

    /// The steps up to `step`, all on connection `conn`: one client alone
    /// (no closes or hang-ups, several clients' writes one after another).
    pub fn one_client(&self, conn: usize, step: usize) -> Session {
        let mut steps = Vec::new();
        for s in &self.steps[..=step.min(self.steps.len().saturating_sub(1))] {
            if let Step::Send(sends) = s {
                for send in sends {
                    if send.requests.iter().any(|r| r.command.ends_connection()) {
                        continue;
                    }
                    steps.push(Step::Send(vec![Send {
                        conn,
                        ..send.clone()
                    }]));
                }
            }
        }
        Session { steps }
    }

    /// The same session with `f` applied to every request of its sends.
    pub fn map_requests(&self, f: &dyn Fn(&Request) -> Request) -> Session {
        let steps = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Send(sends) => Step::Send(
                    sends
                        .iter()
                        .map(|s| Send {
                            conn: s.conn,
                            requests: s.requests.iter().map(f).collect(),
                            cuts: s.cuts.clone(),
                        })
                        .collect(),
                ),
                other => other.clone(),
            })
            .collect();
        Session { steps }
    }

    /// The same session with connection `from`'s steps on connection `to`.
    pub fn moved(&self, from: usize, to: usize) -> Session {
        self.with_conns(|c| if c == from { to } else { c })
    }

    /// Every key its SETs and GETs use, in order of first use.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for step in &self.steps {
            if let Step::Send(sends) = step {
                for request in sends.iter().flat_map(|s| &s.requests) {
                    if let Some(key) = request.command.key() {
                        if !keys.iter().any(|k| k == key) {
                            keys.push(key.to_owned());
                        }
                    }
                }
            }
        }
        keys
    }

    /// The same session with every request in a write of its own: no
    /// pipelining, no splitting, no two clients at once.
    pub fn one_request_per_write(&self) -> Session {
        let mut steps = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            match step {
                Step::Send(sends) => {
                    for send in sends {
                        for request in &send.requests {
                            steps.push(Step::Send(vec![Send {
                                conn: send.conn,
                                requests: vec![request.clone()],
                                cuts: Vec::new(),
                            }]));
                        }
                    }
                }
                other => steps.push(other.clone()),
            }
        }
        Session { steps }
    }
}

pub use super::generate::{Bounds, Generator};
