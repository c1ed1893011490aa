//! Exercise 4.1: the manager task, graded through commands the grader
//! sends into it, against a Redis fixture whose proxy counts connections
//! and can stall or kill the server.

use std::fmt;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{Api, Sent, patience, patience_text};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::{RedisFixture, block_on};
use crate::mistakes::{
    CONNECTION_PER_REQUEST, ERROR_TO_WRONG_CALLER, MANAGER_DIES_WITH_SERVER,
    MANAGER_KEEPS_A_SENDER, MANAGER_STOPS_ON_ERROR, REPLY_SEND_UNWRAPPED, SERVER_ERROR_SWALLOWED,
    UNBOUNDED_QUEUE,
};

/// How many tasks share the manager at once.
const TASKS: usize = 100;
/// The largest queue the exercise accepts.
const MAX_CAPACITY: usize = 1024;

/// What became of one command a check sent into the manager.
#[derive(Debug)]
pub(crate) enum Reply<T> {
    /// The manager answered.
    Answered(mini_redis::Result<T>),
    /// The manager dropped the command's responder without an answer.
    Dropped,
    /// The channel was closed: the manager's receiver is gone.
    Closed,
    /// Nothing happened within the check's patience.
    TimedOut,
}

impl<T: fmt::Debug> fmt::Display for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Answered(Ok(value)) => write!(f, "the answer Ok({value:?})"),
            Reply::Answered(Err(e)) => write!(f, "the answer Err({e})"),
            Reply::Dropped => write!(f, "no answer: the responder was dropped"),
            Reply::Closed => write!(f, "no answer: the channel was closed"),
            Reply::TimedOut => write!(f, "no answer within {}", patience_text()),
        }
    }
}

/// Sends one command, made by `make` around a fresh responder, into the
/// manager behind `sender`, and waits for what comes back.
async fn ask<A: Api, T>(
    sender: &mpsc::Sender<A::Command>,
    make: impl FnOnce(oneshot::Sender<mini_redis::Result<T>>) -> Sent,
) -> Reply<T> {
    let (resp, reply) = oneshot::channel();
    match tokio::time::timeout(patience(), sender.send(A::command(make(resp)))).await {
        Err(_) => return Reply::TimedOut,
        Ok(Err(_)) => return Reply::Closed,
        Ok(Ok(())) => {}
    }
    match tokio::time::timeout(patience(), reply).await {
        Err(_) => Reply::TimedOut,
        Ok(Err(_)) => Reply::Dropped,
        Ok(Ok(result)) => Reply::Answered(result),
    }
}

fn get_of(key: String) -> impl FnOnce(oneshot::Sender<mini_redis::Result<Option<Bytes>>>) -> Sent {
    move |resp| Sent::Get { key, resp }
}

fn set_of(
    key: String,
    value: Bytes,
) -> impl FnOnce(oneshot::Sender<mini_redis::Result<()>>) -> Sent {
    move |resp| Sent::Set { key, value, resp }
}

/// Runs the learner's `start` against the fixture.
async fn start<A: Api>(
    redis: &RedisFixture,
) -> Result<(mpsc::Sender<A::Command>, JoinHandle<()>), Failure> {
    let addr = redis.addr();
    match tokio::time::timeout(patience(), A::start(addr)).await {
        Ok(Ok(started)) => Ok(started),
        Ok(Err(e)) => Err(Failure::new(format!(
            "start({addr}) returned Err({e}); the server was up and listening."
        ))
        .expected("Ok((sender, manager)) once connected")),
        Err(_) => Err(Failure::new(format!(
            "start({addr}) did not return within {}.",
            patience_text()
        ))
        .expected("start to connect, spawn the manager and return at once")),
    }
}

/// How the manager's task ended, once every sender is gone.
enum Ended {
    Finished,
    Panicked(String),
    Running,
}

async fn ended(manager: JoinHandle<()>) -> Ended {
    match tokio::time::timeout(patience(), manager).await {
        Ok(Ok(())) => Ended::Finished,
        Ok(Err(e)) if e.is_panic() => Ended::Panicked(super::panic_text(&*e.into_panic())),
        Ok(Err(_)) => Ended::Finished,
        Err(_) => Ended::Running,
    }
}

/// A hundred tasks, all at once, each SET a key of their own (seeded
/// random keys and binary values) and GET it back through the manager:
/// each must get its own value back, and the proxy must have seen exactly
/// one connection. Catches a connection opened per command, and replies
/// sent to the wrong asker.
pub fn a_hundred_tasks_share_one_connection<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let mut rng = crate::seed::rng();
    let pairs: Vec<(String, Bytes)> = (0..TASKS)
        .map(|i| (format!("{}:{i}", rng.key()), Bytes::from(rng.value(64))))
        .collect();
    let results = block_on(async {
        let (sender, _manager) = start::<A>(&redis).await?;
        let tasks: Vec<_> = pairs
            .iter()
            .cloned()
            .map(|(key, value)| {
                let sender = sender.clone();
                tokio::spawn(async move {
                    let set = ask::<A, _>(&sender, set_of(key.clone(), value)).await;
                    let get = ask::<A, _>(&sender, get_of(key)).await;
                    (set, get)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(TASKS);
        for task in tasks {
            results.push(
                task.await
                    .map_err(|e| Failure::new(format!("A task of the grader's failed: {e}")))?,
            );
        }
        Ok::<_, Failure>(results)
    })?;
    for ((key, value), (set, get)) in pairs.iter().zip(&results) {
        let right_set = matches!(set, Reply::Answered(Ok(())));
        let right_get = matches!(get, Reply::Answered(Ok(Some(v))) if v == value);
        if !right_set || !right_get {
            let wrong = results
                .iter()
                .zip(&pairs)
                .filter(|((s, g), (_, v))| {
                    !matches!(s, Reply::Answered(Ok(())))
                        || !matches!(g, Reply::Answered(Ok(Some(got))) if got == v)
                })
                .count();
            return Err(Failure::new(format!(
                "{TASKS} tasks each sent SET then GET of a key of their own through the \
                 manager; {wrong} of them did not get their own value back. One of them: \
                 key {key:?}."
            ))
            .expected(format!(
                "SET answered Ok(()), then GET answered Ok(Some({}))",
                describe_bytes(value)
            ))
            .got(format!("SET got {set}; GET got {get}")));
        }
    }
    match redis.connections() {
        1 => Ok(()),
        n => Err(Failure::new(format!(
            "{TASKS} tasks each sent SET then GET through the manager, and the server saw {n} \
             connections."
        ))
        .expected("exactly one connection, made by start and owned by the manager")
        .got(format!("{n} connections"))
        .mistake(CONNECTION_PER_REQUEST)),
    }
}

/// After one SET through the manager, the grader drops the only sender it
/// has: the manager's task must finish. Catches a manager that keeps a
/// sender of its own, so that `recv()` never returns `None`.
pub fn the_manager_ends_when_every_sender_is_dropped<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    block_on(async {
        let (sender, manager) = start::<A>(&redis).await?;
        let set = ask::<A, _>(&sender, set_of("hello".into(), Bytes::from("world"))).await;
        if !matches!(set, Reply::Answered(Ok(()))) {
            return Err(
                Failure::new("SET hello world, sent through the manager, failed.")
                    .sent(redis.sent())
                    .received(redis.received())
                    .expected("the answer Ok(())")
                    .got(set.to_string()),
            );
        }
        drop(sender);
        match ended(manager).await {
            Ended::Finished => Ok(()),
            Ended::Panicked(message) => Err(Failure::new(format!(
                "Every sender was dropped, and the manager's task panicked: {message}"
            ))
            .expected("the manager's loop to end quietly when recv() returns None")),
            Ended::Running => Err(Failure::new(format!(
                "Every sender the grader had was dropped, and the manager's task was still \
                 running {} later.",
                patience_text()
            ))
            .expected("the manager's task to finish: recv() returns None once no sender is left")
            .mistake(MANAGER_KEEPS_A_SENDER)),
        }
    })
}

/// A GET whose asker has already dropped its reply receiver, then a SET
/// and a GET from a caller that waits: those must be answered, and when
/// the senders are gone the manager must finish without a panic. Catches
/// `resp.send(…).unwrap()`.
pub fn a_dropped_reply_receiver_does_not_stop_the_manager<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let mut rng = crate::seed::rng();
    let key = rng.key();
    let value = Bytes::from(rng.value(32));
    block_on(async {
        let (sender, manager) = start::<A>(&redis).await?;
        let (resp, reply) = oneshot::channel();
        drop(reply);
        let gave_up = A::command(Sent::Get {
            key: "gave-up".into(),
            resp,
        });
        let _ = sender.send(gave_up).await;
        let set = ask::<A, _>(&sender, set_of(key.clone(), value.clone())).await;
        let get = ask::<A, _>(&sender, get_of(key.clone())).await;
        drop(sender);
        let end = ended(manager).await;
        if let Ended::Panicked(message) = end {
            return Err(Failure::new(format!(
                "A caller sent GET gave-up and dropped its reply receiver before the answer \
                 came; the manager's task then panicked: {message}"
            ))
            .expected("the manager to ignore the failed `resp.send` and serve the next command")
            .mistake(REPLY_SEND_UNWRAPPED));
        }
        let answered = matches!(&set, Reply::Answered(Ok(())))
            && matches!(&get, Reply::Answered(Ok(Some(v))) if *v == value);
        if !answered {
            return Err(Failure::new(format!(
                "After a caller had given up on GET gave-up, SET {key:?} and GET {key:?} \
                 through the manager were not answered as they should be."
            ))
            .sent(redis.sent())
            .received(redis.received())
            .expected(format!(
                "SET answered Ok(()), then GET answered Ok(Some({}))",
                describe_bytes(&value)
            ))
            .got(format!("SET got {set}; GET got {get}")));
        }
        Ok(())
    })
}

/// Puts one command into the channel without waiting: `Ok(true)` if it
/// went in, `Ok(false)` if the channel is full.
fn try_put<A: Api>(
    sender: &mpsc::Sender<A::Command>,
    key: String,
    replies: &mut Vec<oneshot::Receiver<mini_redis::Result<Option<Bytes>>>>,
) -> Result<bool, Failure> {
    let (resp, reply) = oneshot::channel();
    match sender.try_send(A::command(Sent::Get { key, resp })) {
        Ok(()) => {
            replies.push(reply);
            Ok(true)
        }
        Err(mpsc::error::TrySendError::Full(_)) => Ok(false),
        Err(mpsc::error::TrySendError::Closed(_)) => Err(Failure::new(
            "The manager's channel was closed while the grader was filling it: the manager \
             stopped.",
        )
        .expected("the manager to keep its receiver while any sender is alive")),
    }
}

/// The capacity, or the failure of a channel too large to be a bound.
fn bounded<A: Api>(sender: &mpsc::Sender<A::Command>) -> Result<usize, Failure> {
    let capacity = sender.max_capacity();
    if capacity > MAX_CAPACITY {
        return Err(Failure::new(format!(
            "The manager's channel holds {capacity} commands (sender.max_capacity())."
        ))
        .expected(format!(
            "a small bound, at most {MAX_CAPACITY}: `mpsc::channel(CAPACITY)`"
        ))
        .mistake(UNBOUNDED_QUEUE));
    }
    Ok(capacity)
}

/// Fills the channel while the server is stalled, until it stays full:
/// `Ok(accepted)`.
///
/// `try_send` saying `Full` once is not enough. The manager may not have
/// taken its first command yet (once it does, a slot frees), and a full
/// channel could also be a manager merely slower than this loop. So it
/// keeps offering commands for a moment: a manager that waits for the
/// stalled server takes one and then none, one that hands commands on to
/// tasks of their own (or drops them) keeps making room, and is caught by
/// the capacity + 1 bound.
async fn fill<A: Api>(
    sender: &mpsc::Sender<A::Command>,
    capacity: usize,
    replies: &mut Vec<oneshot::Receiver<mini_redis::Result<Option<Bytes>>>>,
) -> Result<usize, Failure> {
    let mut accepted = 0;
    // The manager may hold one command (waiting for the stalled server)
    // and the channel `capacity` more: one more send must find it full.
    for i in 0..capacity + 2 {
        if !try_put::<A>(sender, format!("queued:{i}"), replies)? {
            break;
        }
        accepted += 1;
    }
    let settle = Instant::now() + crate::harness::scaled(Duration::from_millis(200));
    loop {
        if accepted > capacity + 1 {
            return Err(too_many(capacity, accepted));
        }
        if Instant::now() >= settle {
            return Ok(accepted);
        }
        if try_put::<A>(sender, format!("queued:{accepted}"), replies)? {
            accepted += 1;
        } else {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// The failure of a channel that took more than capacity + 1 commands
/// while the server was stalled.
fn too_many(capacity: usize, accepted: usize) -> Failure {
    Failure::new(format!(
        "With the server stalled, the manager's channel (max_capacity() = {capacity}) took \
         {accepted} commands from try_send: more than it can hold while the manager waits for \
         the server."
    ))
    .expected(format!(
        "try_send to report Full after at most {} commands: {capacity} waiting in the channel, \
         one in the manager's hands",
        capacity + 1
    ))
    .mistake(UNBOUNDED_QUEUE)
}

/// The channel is bounded (`max_capacity()` ≤ 1024), and with the server
/// stalled, `try_send` reports `Full` within capacity + 1 commands, and
/// stays full for a while. Catches a huge channel, and a manager that
/// does not wait for each reply before taking the next command (a task
/// per command).
pub fn the_channel_is_bounded_and_fills_while_the_server_stalls<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    block_on(async {
        let (sender, _manager) = start::<A>(&redis).await?;
        let capacity = bounded::<A>(&sender)?;
        redis.stall();
        let mut replies = Vec::new();
        fill::<A>(&sender, capacity, &mut replies).await?;
        redis.resume();
        // Once the server answers again, every queued command is served.
        for (i, reply) in replies.into_iter().enumerate() {
            match tokio::time::timeout(patience(), reply).await {
                Ok(Ok(Ok(None))) => {}
                other => {
                    return Err(Failure::new(format!(
                        "After the stalled server answered again, GET queued:{i} came back as \
                         {other:?}."
                    ))
                    .expected("Ok(None): every queued command served, in turn"));
                }
            }
        }
        Ok(())
    })
}

/// Poll by poll: with the server stalled and the channel full, a
/// `send(…)` into it is pending; once the server answers, the manager
/// takes the next command, and that wakes the send, which is then ready.
/// Backpressure seen directly. Catches a channel that never fills.
pub fn a_send_into_the_full_channel_waits_for_the_manager<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("The grader could not start a runtime: {e}")))?;
    let (sender, _manager) = runtime.block_on(start::<A>(&redis))?;
    let capacity = bounded::<A>(&sender)?;
    redis.stall();
    let mut replies = Vec::new();
    let accepted = runtime.block_on(fill::<A>(&sender, capacity, &mut replies))?;
    // Polled here, on this thread; the runtime's workers run the manager.
    let _context = runtime.enter();
    let (resp, _reply) = oneshot::channel();
    let mut send = tokio_test::task::spawn(sender.send(A::command(Sent::Get {
        key: "one-more".into(),
        resp,
    })));
    if send.poll().is_ready() {
        return Err(Failure::new(format!(
            "The channel was full (try_send said so after {accepted} commands), yet a \
             send(…) into it was ready at once."
        ))
        .expected("send(…) to be pending while the channel is full")
        .mistake(UNBOUNDED_QUEUE));
    }
    redis.resume();
    let deadline = Instant::now() + patience();
    while !send.is_woken() {
        if Instant::now() > deadline {
            return Err(Failure::new(format!(
                "The server answered again, but the pending send(…) into the full channel was \
                 not woken within {}: the manager took no further command.",
                patience_text()
            ))
            .sent(redis.sent())
            .received(redis.received())
            .expected(
                "the manager to take the next command once the answer came, which wakes the send",
            ));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    match send.poll() {
        Poll::Ready(Ok(())) => Ok(()),
        Poll::Ready(Err(_)) => Err(Failure::new(
            "The pending send(…) was woken, and failed: the manager's channel was closed.",
        )
        .expected("Ok(()): room in the channel for one more command")),
        Poll::Pending => Err(Failure::new(
            "The pending send(…) was woken, but was still pending when polled again.",
        )
        .expected("ready: the manager took a command, which made room")),
    }
}

/// With the server stalled, five callers queue a GET each; then the
/// server dies. Each caller must get an error (or a dropped responder)
/// within a few seconds, and the manager must finish without a panic once
/// the senders are gone. Catches an `unwrap` on the client's result.
pub fn every_waiting_caller_gets_an_error_when_the_server_dies<A: Api>() -> Result<(), Failure> {
    const CALLERS: usize = 5;
    let redis = RedisFixture::start();
    block_on(async {
        let (sender, manager) = start::<A>(&redis).await?;
        let set = ask::<A, _>(&sender, set_of("alive".into(), Bytes::from("yes"))).await;
        if !matches!(set, Reply::Answered(Ok(()))) {
            return Err(
                Failure::new("SET alive yes, sent through the manager, failed.")
                    .expected("the answer Ok(())")
                    .got(set.to_string()),
            );
        }
        redis.stall();
        let callers: Vec<_> = (0..CALLERS)
            .map(|i| {
                let sender = sender.clone();
                tokio::spawn(
                    async move { ask::<A, _>(&sender, get_of(format!("waiting:{i}"))).await },
                )
            })
            .collect();
        // The first GET must have reached the (stalled) proxy before the
        // kill, so the manager is waiting on the server when it dies.
        let deadline = Instant::now() + patience();
        while redis.commands().len() < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        redis.kill();
        let mut replies = Vec::with_capacity(CALLERS);
        for caller in callers {
            replies.push(
                caller
                    .await
                    .map_err(|e| Failure::new(format!("A task of the grader's failed: {e}")))?,
            );
        }
        drop(sender);
        if let Ended::Panicked(message) = ended(manager).await {
            return Err(Failure::new(format!(
                "The server went away while {CALLERS} callers waited, and the manager's task \
                 panicked: {message}"
            ))
            .expected("each waiting caller to get an Err through its responder; no panic")
            .mistake(MANAGER_DIES_WITH_SERVER));
        }
        let wrong: Vec<String> = replies
            .iter()
            .enumerate()
            .filter(|(_, r)| !matches!(r, Reply::Answered(Err(_)) | Reply::Dropped))
            .map(|(i, r)| format!("GET waiting:{i} got {r}"))
            .collect();
        if !wrong.is_empty() {
            return Err(Failure::new(format!(
                "The server went away while {CALLERS} callers waited for a GET each; not every \
                 one of them heard of it."
            ))
            .expected("each caller to get an Err (or, at least, a dropped responder), within a few seconds")
            .got(wrong.join("; ")));
        }
        Ok(())
    })
}

/// One task's two replies: its SET's, then its GET's.
type Replies = (Reply<()>, Reply<Option<Bytes>>);

/// One task's part in [`a_server_error_reaches_only_its_own_caller`].
struct Errand {
    key: String,
    value: Bytes,
    set_refused: bool,
    get_refused: bool,
}

impl Errand {
    fn set_right(&self, set: &Reply<()>) -> bool {
        match set {
            Reply::Answered(Err(_)) => self.set_refused,
            Reply::Answered(Ok(())) => !self.set_refused,
            _ => false,
        }
    }

    fn get_right(&self, get: &Reply<Option<Bytes>>) -> bool {
        match get {
            Reply::Answered(Err(_)) => self.get_refused,
            // A refused SET stored nothing.
            Reply::Answered(Ok(None)) => !self.get_refused && self.set_refused,
            Reply::Answered(Ok(Some(v))) => {
                !self.get_refused && !self.set_refused && *v == self.value
            }
            _ => false,
        }
    }

    fn want(&self) -> String {
        let set = if self.set_refused {
            "SET answered Err (the server refused it)".to_owned()
        } else {
            "SET answered Ok(())".to_owned()
        };
        let get = if self.get_refused {
            "GET answered Err (the server refused it)".to_owned()
        } else if self.set_refused {
            "GET answered Ok(None)".to_owned()
        } else {
            format!("GET answered Ok(Some({}))", describe_bytes(&self.value))
        };
        format!("{set}, then {get}")
    }
}

/// A hundred tasks each SET then GET a key of their own through one
/// manager, and the server answers about one request in six with an error
/// reply (seeded: some SETs, some GETs). Each caller must get `Err` for
/// its own refused request and its answer for every other; a request
/// after them all must still be answered, and the manager must end
/// without a panic when the senders are gone. Catches a manager that
/// stops at the first error, one that turns errors into answers, and one
/// that hands an error to a caller whose request succeeded.
pub fn a_server_error_reaches_only_its_own_caller<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let mut rng = crate::seed::rng();
    let errands: Vec<Errand> = (0..TASKS)
        .map(|i| {
            let fate = rng.range(0..12);
            Errand {
                key: format!("{}:{i}", rng.key()),
                value: Bytes::from(rng.value(64)),
                // At least one of each, early in the run.
                set_refused: fate == 0 || i == 1,
                get_refused: fate == 1 || i == 2,
            }
        })
        .collect();
    for errand in &errands {
        if errand.set_refused {
            redis.refuse("set", &errand.key);
        }
        if errand.get_refused {
            redis.refuse("get", &errand.key);
        }
    }
    let refused = errands
        .iter()
        .filter(|e| e.set_refused || e.get_refused)
        .count();
    let (results, last, end) = block_on(async {
        let (sender, manager) = start::<A>(&redis).await?;
        let tasks: Vec<_> = errands
            .iter()
            .map(|e| {
                let sender = sender.clone();
                let (key, value) = (e.key.clone(), e.value.clone());
                tokio::spawn(async move {
                    let set = ask::<A, _>(&sender, set_of(key.clone(), value)).await;
                    let get = ask::<A, _>(&sender, get_of(key)).await;
                    (set, get)
                })
            })
            .collect();
        let mut results = Vec::with_capacity(TASKS);
        for task in tasks {
            results.push(
                task.await
                    .map_err(|e| Failure::new(format!("A task of the grader's failed: {e}")))?,
            );
        }
        let last = ask::<A, _>(
            &sender,
            set_of("after-the-errors".into(), Bytes::from("yes")),
        )
        .await;
        drop(sender);
        Ok::<_, Failure>((results, last, ended(manager).await))
    })?;

    let context = format!(
        "{TASKS} tasks each sent SET then GET of a key of their own through the manager; the \
         server answered {refused} of them with an error reply for one of the two."
    );
    let unanswered = results
        .iter()
        .filter(|(s, g)| !matches!(s, Reply::Answered(_)) || !matches!(g, Reply::Answered(_)))
        .count();
    let stopped = match &end {
        Ended::Panicked(message) => Some(format!("the manager's task panicked: {message}")),
        _ if unanswered > 0 => Some(format!(
            "requests went unanswered for {unanswered} of the tasks"
        )),
        _ if !matches!(last, Reply::Answered(Ok(()))) => {
            Some(format!("a SET sent after them all got {last}"))
        }
        _ => None,
    };
    if let Some(what) = stopped {
        return Err(Failure::new(format!("{context} Then {what}."))
            .expected(
                "every request answered, each refused one with its Err, and the manager serving \
                 on",
            )
            .mistake(MANAGER_STOPS_ON_ERROR));
    }
    let wrong: Vec<(&Errand, &Replies)> = errands
        .iter()
        .zip(&results)
        .filter(|(e, (s, g))| !e.set_right(s) || !e.get_right(g))
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    // An Err for a request the server answered: someone else's error.
    let misrouted = |(e, (s, g)): &&(&Errand, &Replies)| {
        (matches!(s, Reply::Answered(Err(_))) && !e.set_refused)
            || (matches!(g, Reply::Answered(Err(_))) && !e.get_refused)
    };
    let swallowed = |(e, (s, g)): &&(&Errand, &Replies)| {
        (matches!(s, Reply::Answered(Ok(_))) && e.set_refused)
            || (matches!(g, Reply::Answered(Ok(_))) && e.get_refused)
    };
    // The example shown is one of the mistake named.
    let (mistake, example) = if let Some(example) = wrong.iter().find(misrouted) {
        (Some(ERROR_TO_WRONG_CALLER), example)
    } else if let Some(example) = wrong.iter().find(swallowed) {
        (Some(SERVER_ERROR_SWALLOWED), example)
    } else {
        (None, &wrong[0])
    };
    if mistake == Some(ERROR_TO_WRONG_CALLER) {
        // Which callers got whose error is down to scheduling: no example.
        let count = wrong.iter().filter(misrouted).count();
        return Err(Failure::new(format!(
            "{context} An Err went wrongly to {count} of the tasks, for requests the server had \
             answered without error."
        ))
        .expected("an Err only for a refused request, to the task that sent it")
        .mistake(ERROR_TO_WRONG_CALLER));
    }
    let (errand, (set, get)) = example;
    let failure = Failure::new(format!(
        "{context} {} of the tasks did not get the answers to their own requests. One of them: \
         key {:?}.",
        wrong.len(),
        errand.key
    ))
    .expected(errand.want())
    .got(format!("SET got {set}; GET got {get}"));
    Err(match mistake {
        Some(mistake) => failure.mistake(mistake),
        None => failure,
    })
}
