//! Drawing random sessions: the bounds, the vocabulary of keys, commands
//! and bytes a learner's server meets, and the [`Generator`] that turns the
//! check's seeded generator into [`Session`]s.

use std::collections::HashSet;

use super::session::{Command, Request, Send, Session, Shape, Step};
use crate::seed::Rng;

/// How many sessions a check runs, and how many bytes they may write.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Sessions per check.
    pub sessions: usize,
    /// Bytes all the sessions write together, at most (about).
    pub bytes: usize,
    /// Sessions that run at the same time, each against a server of its
    /// own.
    pub parallel: usize,
}

/// Command names this server does not run, in the spellings a client may
/// use: near misses of GET and SET among them, to catch a server that
/// matches names by prefix.
const UNKNOWN_NAMES: [&str; 8] = [
    "GETS", "SE", "SETX", "FETCH", "store", "Incr", "hello", "ECHO",
];

/// Frames that are RESP but not commands.
const NOT_COMMANDS: [&[u8]; 7] = [
    b":42\r\n",
    b"+PING\r\n",
    b"*0\r\n",
    b"$-1\r\n",
    b"$5\r\nhello\r\n",
    b"*1\r\n:7\r\n",
    b"*2\r\n*1\r\n$1\r\na\r\n$1\r\nb\r\n",
];

/// Bytes that are not RESP (mini-redis refuses each with a protocol
/// error, not as an incomplete frame).
const MALFORMED: [&[u8]; 5] = [
    b"%oops\r\n",
    b"*x\r\n",
    b":abc\r\n",
    b"$-5\r\n",
    b"*1\r\n%no\r\n",
];

/// A CRLF, and what follows it in a value that looks like a reply.
const REPLY_LIKE: [&[u8]; 4] = [b"\r\n", b"\r\n+OK\r\n", b"\r\n$-1\r\n", b"\r\n-ERR no\r\n"];

/// `name` in a random spelling: as is, lower case, or mixed.
fn spell(rng: &mut Rng, name: &str) -> String {
    match rng.range(0..4) {
        0 => name.to_lowercase(),
        1 => name
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect(),
        _ => name.to_uppercase(),
    }
}

/// `key` with the case of its letters changed: all of them, or the first.
fn case_variant(rng: &mut Rng, key: &str) -> String {
    let toggle = |c: char| -> String {
        if c.is_lowercase() {
            c.to_uppercase().collect()
        } else {
            c.to_lowercase().collect()
        }
    };
    if rng.one_in(2) {
        key.chars().map(toggle).collect()
    } else {
        let mut chars = key.chars();
        match chars.next() {
            Some(first) => toggle(first) + chars.as_str(),
            None => String::new(),
        }
    }
}

/// A small family of keys a careless store mixes up: random keys, some
/// with a twin that differs only in letter case, now and then the empty
/// key or a long one.
fn key_pool(rng: &mut Rng) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for _ in 0..rng.range(2..5) {
        let key = rng.key();
        if rng.one_in(2) {
            let twin = case_variant(rng, &key);
            keys.push(twin);
        }
        keys.push(key);
    }
    if rng.one_in(8) {
        keys.push(String::new());
    }
    if rng.one_in(8) {
        let part = rng.key();
        keys.push(part.repeat(rng.range(10..40)));
    }
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

/// Draws sessions for a server of `shape`.
pub struct Generator<'r> {
    rng: &'r mut Rng,
    shape: Shape,
    /// Bytes the sessions may still write.
    budget: usize,
}

/// The generator's view of one session being drawn.
struct Draft {
    steps: Vec<Step>,
    /// Each connection's keys (one shared pool when keys are shared).
    pools: Vec<Vec<String>>,
    /// Connections in use, not ended.
    open: Vec<usize>,
    /// Connections not yet used, in order.
    next: usize,
    /// How many connections the session may use.
    conns: usize,
}

impl<'r> Generator<'r> {
    /// A generator drawing from `rng`, within `bytes` in all.
    pub fn new(rng: &'r mut Rng, shape: Shape, bytes: usize) -> Generator<'r> {
        Generator {
            rng,
            shape,
            budget: bytes,
        }
    }

    /// The sessions of one check.
    pub fn sessions(rng: &mut Rng, shape: Shape, bounds: Bounds) -> Vec<Session> {
        let mut generator = Generator::new(rng, shape, bounds.bytes);
        (0..bounds.sessions).map(|_| generator.session()).collect()
    }

    /// One session.
    pub fn session(&mut self) -> Session {
        let conns = if self.shape.concurrent {
            self.rng.range(1..5)
        } else {
            self.rng.range(1..4)
        };
        let mut pools: Vec<Vec<String>> = Vec::new();
        if self.shape.shared_keys {
            pools.push(key_pool(self.rng));
        } else {
            // Keys of one connection are never another's.
            let mut taken: HashSet<String> = HashSet::new();
            for _ in 0..conns {
                let mut pool = key_pool(self.rng);
                pool.retain(|k| !taken.contains(k));
                if pool.is_empty() {
                    pool.push(format!("{}:{}", self.rng.key(), pools.len()));
                }
                taken.extend(pool.iter().cloned());
                pools.push(pool);
            }
        }
        let mut draft = Draft {
            steps: Vec::new(),
            pools,
            open: Vec::new(),
            next: 0,
            conns,
        };
        let steps = self.rng.range(6..17);
        for _ in 0..steps {
            self.step(&mut draft);
        }
        // A last GET on every open connection, so that a reply too many to
        // the step before shows.
        for conn in draft.open.clone() {
            let request = self.get(&draft, conn);
            draft.steps.push(Step::Send(vec![Send {
                conn,
                requests: vec![request],
                cuts: Vec::new(),
            }]));
        }
        // And a new client, so that a server that stopped shows (one client
        // at a time: after the others have left).
        if !self.shape.concurrent {
            for conn in std::mem::take(&mut draft.open) {
                draft.steps.push(Step::Close(conn));
            }
        }
        let last = draft.next.max(draft.conns);
        let key = format!("{}#{last}", self.rng.key());
        let name = spell(self.rng, "GET");
        draft.steps.push(Step::Send(vec![Send {
            conn: last,
            requests: vec![Request::get(&name, &key)],
            cuts: Vec::new(),
        }]));
        Session { steps: draft.steps }
    }

    /// A connection to use: an open one, or the next new one.
    fn pick_conn(&mut self, draft: &mut Draft) -> Option<usize> {
        if !self.shape.concurrent {
            if let Some(&conn) = draft.open.first() {
                return Some(conn);
            }
        } else if !draft.open.is_empty() && (draft.next >= draft.conns || !self.rng.one_in(3)) {
            return Some(*self.rng.pick(&draft.open));
        }
        if draft.next >= draft.conns {
            return None;
        }
        let conn = draft.next;
        draft.next += 1;
        draft.open.push(conn);
        Some(conn)
    }

    fn pool<'d>(&self, draft: &'d Draft, conn: usize) -> &'d [String] {
        if self.shape.shared_keys {
            &draft.pools[0]
        } else {
            &draft.pools[conn.min(draft.pools.len() - 1)]
        }
    }

    fn step(&mut self, draft: &mut Draft) {
        let Some(conn) = self.pick_conn(draft) else {
            return;
        };
        let roll = self.rng.range(0..100);
        if roll < 6 {
            draft.steps.push(Step::Close(conn));
            draft.open.retain(|&c| c != conn);
        } else if roll < 12 {
            let requests = (0..self.rng.range(0..3))
                .map(|_| self.harmless(draft, conn))
                .collect();
            let whole = self.set(draft, conn).bytes;
            let partial = whole[..self.rng.range(0..whole.len())].to_vec();
            draft.steps.push(Step::HangUp {
                conn,
                requests,
                partial,
            });
            draft.open.retain(|&c| c != conn);
        } else if roll < 22 && self.shape.concurrent && draft.conns > 1 {
            self.burst(draft, conn);
        } else {
            let send = self.send(draft, conn, &HashSet::new());
            if send.requests.iter().any(|r| r.command.ends_connection()) {
                draft.open.retain(|&c| c != conn);
            }
            draft.steps.push(Step::Send(vec![send]));
        }
    }

    /// Several clients at once, each with keys the others do not touch.
    fn burst(&mut self, draft: &mut Draft, first: usize) {
        let mut conns = vec![first];
        for _ in 0..self.rng.range(1..3) {
            if let Some(conn) = self.pick_conn(draft) {
                if !conns.contains(&conn) {
                    conns.push(conn);
                }
            }
        }
        let mut taken: HashSet<String> = HashSet::new();
        let mut sends = Vec::with_capacity(conns.len());
        for conn in conns {
            let send = self.send(draft, conn, &taken);
            taken.extend(
                send.requests
                    .iter()
                    .filter_map(|r| r.command.key().map(str::to_owned)),
            );
            if send.requests.iter().any(|r| r.command.ends_connection()) {
                draft.open.retain(|&c| c != conn);
            }
            sends.push(send);
        }
        draft.steps.push(Step::Send(sends));
    }

    /// One client's write: mostly one request, sometimes several; now and
    /// then split into pieces. Keys in `avoid` are another client's.
    fn send(&mut self, draft: &Draft, conn: usize, avoid: &HashSet<String>) -> Send {
        let count = if self.rng.range(0..10) < 6 {
            1
        } else {
            self.rng.range(2..6)
        };
        let mut requests = Vec::with_capacity(count);
        for _ in 0..count {
            let request = self.request(draft, conn, avoid);
            let ends = request.command.ends_connection();
            requests.push(request);
            if ends {
                break;
            }
        }
        let len: usize = requests.iter().map(|r| r.bytes.len()).sum();
        let mut cuts = Vec::new();
        if len > 1 && self.rng.one_in(4) {
            for _ in 0..self.rng.range(1..4) {
                cuts.push(self.rng.range(1..len));
            }
            cuts.sort_unstable();
            cuts.dedup();
        }
        Send {
            conn,
            requests,
            cuts,
        }
    }

    /// A key of this connection's, avoiding `avoid`; a fresh one when all
    /// are taken or now and then.
    fn key(&mut self, draft: &Draft, conn: usize, avoid: &HashSet<String>) -> String {
        let pool: Vec<&String> = self
            .pool(draft, conn)
            .iter()
            .filter(|k| !avoid.contains(*k))
            .collect();
        if pool.is_empty() || self.rng.one_in(6) {
            // A key nobody else uses: tagged with the connection when each
            // connection keeps keys of its own.
            let key = self.rng.key();
            return if self.shape.shared_keys {
                key
            } else {
                format!("{key}#{conn}")
            };
        }
        (*self.rng.pick(&pool)).clone()
    }

    fn value(&mut self) -> Vec<u8> {
        let max = if self.budget < 4096 {
            16
        } else if self.rng.one_in(40) {
            65_536
        } else if self.rng.one_in(8) {
            4096
        } else {
            64
        };
        let mut value = self.rng.value(max);
        // Now and then a CRLF and what a reply looks like: a server that
        // puts the value into a line-ended frame (an error's text, a
        // simple string) sends two frames.
        if self.rng.one_in(5) {
            let at = self.rng.range(0..value.len() + 1);
            let tail: &&[u8] = self.rng.pick(&REPLY_LIKE);
            value.splice(at..at, tail.iter().copied());
        }
        self.budget = self.budget.saturating_sub(value.len());
        value
    }

    fn set(&mut self, draft: &Draft, conn: usize) -> Request {
        let key = self.key(draft, conn, &HashSet::new());
        let name = spell(self.rng, "SET");
        let value = self.value();
        Request::set(&name, &key, &value)
    }

    fn get(&mut self, draft: &Draft, conn: usize) -> Request {
        let key = self.key(draft, conn, &HashSet::new());
        let name = spell(self.rng, "GET");
        Request::get(&name, &key)
    }

    /// A request that changes nothing: a GET or an unknown command.
    fn harmless(&mut self, draft: &Draft, conn: usize) -> Request {
        if self.rng.one_in(3) {
            self.unknown()
        } else {
            self.get(draft, conn)
        }
    }

    fn request(&mut self, draft: &Draft, conn: usize, avoid: &HashSet<String>) -> Request {
        let roll = self.rng.range(0..100);
        if roll < 36 {
            let key = self.key(draft, conn, avoid);
            let name = spell(self.rng, "SET");
            let value = self.value();
            Request::set(&name, &key, &value)
        } else if roll < 78 {
            let key = self.key(draft, conn, avoid);
            let name = spell(self.rng, "GET");
            Request::get(&name, &key)
        } else if roll < 86 {
            self.unknown()
        } else if roll < 94 {
            self.bad_command(draft, conn, avoid)
        } else if roll < 97 {
            {
                let bytes: &&[u8] = self.rng.pick(&NOT_COMMANDS);
                Request::raw(Command::NotACommand, bytes)
            }
        } else {
            {
                let bytes: &&[u8] = self.rng.pick(&MALFORMED);
                Request::raw(Command::Malformed, bytes)
            }
        }
    }

    /// An unknown command with a few arguments; now and then its name
    /// carries CR and LF, which must not reach the reply.
    fn unknown(&mut self) -> Request {
        let base = *self.rng.pick(&UNKNOWN_NAMES);
        let mut name = spell(self.rng, base);
        if self.rng.one_in(10) {
            name.push_str("\r\n+OK");
        }
        let mut words = vec![name.into_bytes()];
        for _ in 0..self.rng.range(0..3) {
            words.push(self.rng.value(12));
        }
        Request::words(Command::Unknown, words)
    }

    /// A GET or SET with the wrong number of words, or a key that is not
    /// UTF-8.
    fn bad_command(&mut self, draft: &Draft, conn: usize, avoid: &HashSet<String>) -> Request {
        let key = self.key(draft, conn, avoid).into_bytes();
        let get = spell(self.rng, "GET").into_bytes();
        let set = spell(self.rng, "SET").into_bytes();
        let words = match self.rng.range(0..6) {
            0 => vec![get],
            1 => vec![get, key, b"extra".to_vec()],
            2 => vec![set],
            3 => vec![set, key],
            4 => vec![set, key, b"v".to_vec(), b"EXTRA".to_vec()],
            _ => vec![get, b"\xff\xfekey".to_vec()],
        };
        Request::words(Command::BadCommand, words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONCURRENT: Shape = Shape {
        concurrent: true,
        shared_keys: true,
    };
    const ONE_AT_A_TIME: Shape = Shape {
        concurrent: false,
        shared_keys: false,
    };

    #[test]
    fn generated_sessions_are_valid_and_replayable() {
        for shape in [CONCURRENT, ONE_AT_A_TIME] {
            let bounds = Bounds {
                sessions: 50,
                bytes: 1 << 20,
                parallel: 1,
            };
            let a = Generator::sessions(&mut Rng::new(3), shape, bounds);
            let b = Generator::sessions(&mut Rng::new(3), shape, bounds);
            assert_eq!(a, b);
            for session in &a {
                assert!(session.valid(shape), "{session:?}");
                assert!(session.one_request_per_write().valid(shape));
            }
        }
    }

    #[test]
    fn pieces_put_the_bytes_back_together() {
        let send = Send {
            conn: 0,
            requests: vec![Request::get("GET", "a"), Request::get("get", "b")],
            cuts: vec![3, 10],
        };
        assert_eq!(send.pieces().concat(), send.bytes());
        assert_eq!(send.pieces().len(), 3);
        assert!(send.streams());
    }

    #[test]
    fn requests_show_as_words() {
        assert_eq!(
            Request::set("SeT", "k", b"a\r\n").show(),
            r#"SeT "k" "a\r\n""#
        );
        assert_eq!(
            Request::raw(Command::Malformed, b"%x\r\n").show(),
            r#""%x\r\n""#
        );
    }
}
