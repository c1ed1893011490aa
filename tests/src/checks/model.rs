//! Model-based random sessions: the check that needs no list of mistakes.
//!
//! Hand-written scenarios catch the mistakes someone thought of. This check
//! holds a small executable [`Model`] of what a correct server for an
//! exercise answers — a map and the reply rules, a few dozen lines — and
//! drives the learner's server with random [`Session`]s drawn from the
//! check's seed: SET, GET, unknown and broken commands over keys that
//! differ only in case and values with CR, LF, NUL and non-UTF-8 bytes, of
//! every size up to 64 KiB; several clients, some at the same time;
//! requests pipelined in one write and split over several; a frame that is
//! not RESP now and then, and clients that hang up mid-request. Every reply
//! is compared with the model's ([`Expected::admits`]: any error frame
//! matches an error, since error texts are the learner's to word).
//!
//! On the first divergence the session is shrunk ([`shrink`]) to the
//! shortest one that still diverges, each candidate run against a fresh
//! server, and shown as a transcript: after these requests, on these
//! connections, your server answered X; a correct server answers Y. The
//! mistake named follows the kind of divergence ([`diagnose`]).
//!
//! The models are proven against the reference solutions by maintainers'
//! tests (`solutions/*/tests/model.rs`) on thousands of sessions, so
//! grading by model stays grading against the reference.

use std::collections::HashMap;
use std::time::Instant;

use crate::failure::{Failure, Mistake, describe_bytes};
use crate::fixtures::{NULL, OK, Serve, block_on, bulk};
use crate::mistakes;
use crate::seed::{self, Rng};

pub mod agreement;
pub mod diagnose;
pub mod explain;
pub mod generate;
pub mod panics;
pub mod run;
pub mod session;
pub mod shrink;

pub use agreement::prove_agreement;
pub use session::{Bounds, Command, Request, Send, Session, Shape, Step};

/// What a correct server answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// `+OK\r\n`.
    Ok,
    /// The null bulk string: no value.
    Null,
    /// A bulk string holding these bytes.
    Bulk(Vec<u8>),
    /// Any error frame.
    Error,
    /// Any error frame, or the connection closed: what a server may do with
    /// a frame that is not a command.
    ErrorOrClose,
}

impl Expected {
    /// Whether a reply — `Some(frame)`, or `None` for a connection closed
    /// before any byte of a reply — is one a correct server may give.
    pub fn admits(&self, reply: Option<&[u8]>) -> bool {
        match (self, reply) {
            (Expected::ErrorOrClose, None) => true,
            (Expected::Error | Expected::ErrorOrClose, Some(r)) => crate::fixtures::is_error(r),
            (Expected::Ok, Some(r)) => r == OK,
            (Expected::Null, Some(r)) => r == NULL,
            (Expected::Bulk(v), Some(r)) => r == bulk(v),
            _ => false,
        }
    }

    /// In a transcript.
    pub fn show(&self) -> String {
        match self {
            Expected::Ok => describe_bytes(OK),
            Expected::Null => format!("{} (no value)", describe_bytes(NULL)),
            Expected::Bulk(v) => session::short(&bulk(v)),
            Expected::Error => "an error frame, \"-…\\r\\n\"".to_owned(),
            Expected::ErrorOrClose => {
                "an error frame, \"-…\\r\\n\", or the connection closed".to_owned()
            }
        }
    }
}

/// A small executable model of a correct server for one exercise.
pub trait Model: Default + std::marker::Send + 'static {
    /// The sessions it can judge.
    const SHAPE: Shape;
    /// What such a server is, for failure messages.
    const SERVER: &'static str;
    /// The mistake a client unanswered while another waits points to: a
    /// server that serves one connection at a time, unless the exercise's
    /// store can be locked for a whole connection.
    const WAITING_ITS_TURN: Mistake = mistakes::SEQUENTIAL_SERVER;
    /// The mistake a value gone from its key (on the connection that wrote
    /// it, no GET having taken it) points to.
    const VANISHED: Mistake = mistakes::LOST_WRITE;
    /// What a correct server answers to `command` on connection `conn`,
    /// updating the model's state as the server would its own.
    fn reply(&mut self, conn: usize, command: &Command) -> Expected;
    /// What a correct server answers to `request`, when its bytes matter
    /// beyond what [`Command`] says (chapter 6's keys are bytes, so a
    /// GET of a key that is not UTF-8 is a command there).
    fn reply_to(&mut self, conn: usize, request: &Request) -> Expected {
        self.reply(conn, &request.command)
    }
}

/// The reply rules of a server that runs nothing: an error for every
/// frame (a close allowed for what is no command).
fn error_for(command: &Command) -> Expected {
    if command.ends_connection() {
        Expected::ErrorOrClose
    } else {
        Expected::Error
    }
}

/// The reply rules of GET and SET over `store`.
fn get_or_set(store: &mut HashMap<String, Vec<u8>>, command: &Command) -> Expected {
    match command {
        Command::Set { key, value } => {
            store.insert(key.clone(), value.clone());
            Expected::Ok
        }
        Command::Get { key } => store
            .get(key)
            .map_or(Expected::Null, |v| Expected::Bulk(v.clone())),
        other => error_for(other),
    }
}

/// Exercise 2.1: one client at a time, an error for every command.
#[derive(Debug, Default)]
pub struct ErrorsOneClientAtATime;

impl Model for ErrorsOneClientAtATime {
    const SHAPE: Shape = Shape {
        concurrent: false,
        shared_keys: true,
    };
    const SERVER: &'static str = "a server that answers every command with an error frame";
    fn reply(&mut self, _conn: usize, command: &Command) -> Expected {
        error_for(command)
    }
}

/// Exercise 2.2: every client at once, an error for every command.
#[derive(Debug, Default)]
pub struct ErrorsToEveryClient;

impl Model for ErrorsToEveryClient {
    const SHAPE: Shape = Shape {
        concurrent: true,
        shared_keys: true,
    };
    const SERVER: &'static str =
        "a server that answers every command of every client with an error frame";
    fn reply(&mut self, _conn: usize, command: &Command) -> Expected {
        error_for(command)
    }
}

/// Exercise 2.3: GET and SET, a store per connection. The sessions keep
/// each connection's keys its own, so a server that already shares one
/// store (chapter 3's) answers the same.
#[derive(Debug, Default)]
pub struct StorePerConnection {
    stores: HashMap<usize, HashMap<String, Vec<u8>>>,
}

impl Model for StorePerConnection {
    const SHAPE: Shape = Shape {
        concurrent: true,
        shared_keys: false,
    };
    const SERVER: &'static str = "a server with GET and SET";
    fn reply(&mut self, conn: usize, command: &Command) -> Expected {
        get_or_set(self.stores.entry(conn).or_default(), command)
    }
}

/// Exercise 3.1: GET and SET on one store all clients share.
#[derive(Debug, Default)]
pub struct SharedStore {
    store: HashMap<String, Vec<u8>>,
}

impl Model for SharedStore {
    const SHAPE: Shape = Shape {
        concurrent: true,
        shared_keys: true,
    };
    const SERVER: &'static str = "a server with one store for all its clients";
    // A lock held for a whole connection shows as one client at a time.
    const WAITING_ITS_TURN: Mistake = mistakes::LOCK_ACROSS_AWAIT;
    fn reply(&mut self, conn: usize, command: &Command) -> Expected {
        let _ = conn;
        get_or_set(&mut self.store, command)
    }
}

/// Exercise 3.5: the same server on a sharded store, where a value that
/// vanishes from the connection that wrote it points at the choice of
/// shard.
#[derive(Debug, Default)]
pub struct ShardedStore(SharedStore);

impl Model for ShardedStore {
    const SHAPE: Shape = SharedStore::SHAPE;
    const SERVER: &'static str = "a server with one sharded store for all its clients";
    const WAITING_ITS_TURN: Mistake = SharedStore::WAITING_ITS_TURN;
    const VANISHED: Mistake = mistakes::UNSTABLE_SHARD;
    fn reply(&mut self, conn: usize, command: &Command) -> Expected {
        self.0.reply(conn, command)
    }
}

/// How many sessions a check runs: enough traffic to meet what a model
/// knows (pipelining, splits, several clients, every kind of request),
/// little enough that the reference passes in about half a second, eight
/// sessions at a time.
pub const BOUNDS: Bounds = Bounds {
    sessions: 40,
    bytes: 1 << 20,
    parallel: 8,
};

/// Random sessions — several clients, pipelined and split requests, keys
/// that differ in case, binary values, broken frames, hang-ups — get the
/// replies a correct server gives, as its model says. On a divergence, the
/// shortest session that still diverges is shown, with the mistake its
/// kind points to. Catches the mistakes nobody listed.
pub fn random_sessions_match_the_model<S: Serve, M: Model>() -> Result<(), Failure> {
    let mut rng = seed::rng();
    check_sessions::<S, M>(&mut rng, BOUNDS)
}

/// Runs `bounds.sessions` sessions drawn from `rng` against fresh servers
/// of `S`, and on the first divergence returns the shrunk failure. For the
/// maintainers' tests that prove a model against a reference solution.
pub fn check_sessions<S: Serve, M: Model>(rng: &mut Rng, bounds: Bounds) -> Result<(), Failure> {
    let started = Instant::now();
    panics::install();
    let sessions = session::Generator::sessions(rng, M::SHAPE, bounds);
    block_on(async {
        // Sessions run side by side, each against a server of its own: most
        // of a session's time is spent waiting (a reply held back by the
        // server's Nagle algorithm waits for the client's delayed ACK), not
        // computing. The first divergence in session order is the one
        // reported, whichever finished first.
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(bounds.parallel.max(1)));
        let mut runs: Vec<_> = sessions
            .iter()
            .cloned()
            .map(|session| {
                let permits = std::sync::Arc::clone(&permits);
                tokio::spawn(async move {
                    let _permit = permits.acquire_owned().await.ok()?;
                    let server = crate::fixtures::RunningServer::start::<S>();
                    let outcome = run::run::<M>(&server, &session, run::Timing::search()).await;
                    drop(server);
                    outcome.divergence.is_some().then_some(outcome)
                })
            })
            .collect();
        let mut found = None;
        for (i, task) in runs.iter_mut().enumerate() {
            if found.is_some() {
                task.abort();
                continue;
            }
            match task.await {
                Ok(Some(outcome)) => found = Some((i, outcome)),
                Ok(None) => {}
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {}
            }
        }
        match found {
            Some((i, outcome)) => {
                Err(diagnose::report::<S, M>(&sessions[i], outcome, started).await)
            }
            None => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_error_frame_is_an_error_and_a_close_is_allowed_only_after_no_command() {
        assert!(Expected::Error.admits(Some(b"-ERR whatever\r\n")));
        assert!(!Expected::Error.admits(Some(b"+OK\r\n")));
        assert!(!Expected::Error.admits(None));
        assert!(Expected::ErrorOrClose.admits(None));
        assert!(Expected::Null.admits(Some(b"$-1\r\n")));
        assert!(!Expected::Null.admits(Some(b"$0\r\n\r\n")));
        assert!(Expected::Bulk(b"a\r\n".to_vec()).admits(Some(b"$3\r\na\r\n\r\n")));
    }

    #[test]
    fn the_models_keep_their_stores_where_their_exercises_do() {
        let set = Command::Set {
            key: "k".into(),
            value: b"v".to_vec(),
        };
        let get = Command::Get { key: "k".into() };
        let mut shared = SharedStore::default();
        assert_eq!(shared.reply(0, &set), Expected::Ok);
        assert_eq!(shared.reply(1, &get), Expected::Bulk(b"v".to_vec()));
        let mut own = StorePerConnection::default();
        assert_eq!(own.reply(0, &set), Expected::Ok);
        assert_eq!(own.reply(0, &get), Expected::Bulk(b"v".to_vec()));
        assert_eq!(own.reply(1, &get), Expected::Null);
        let mut errors = ErrorsToEveryClient;
        assert_eq!(errors.reply(0, &get), Expected::Error);
        assert_eq!(errors.reply(0, &Command::Malformed), Expected::ErrorOrClose);
        assert_eq!(own.reply(0, &Command::BadCommand), Expected::Error);
    }
}
