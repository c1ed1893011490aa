//! Exercises 4.2 and 4.3: the helpers that ask the manager, graded with
//! the grader as the manager. It holds back, gives or refuses each reply
//! exactly when a check wants, so "pending until answered" and "woken
//! when answered" are questions for tokio-test's task harness, poll by
//! poll, with no server and no timing involved.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio_test::task::Spawn;

use super::{Api, BLOCKING_PANIC, Sent, panic_text, patience, patience_text};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::block_on;
use crate::mistakes::{
    BLOCKING_SEND_IN_ASYNC, PANIC_WHEN_MANAGER_GONE, REPLY_NOT_AWAITED, REPLY_WITHOUT_ASKING,
    TRY_SEND_WHEN_FULL,
};

/// How many callers ask at once.
const CALLERS: usize = 100;

/// Which helper a check grades, for messages.
#[derive(Clone, Copy)]
enum Helper {
    Get,
    Set,
}

impl Helper {
    fn call(self, key: &str) -> String {
        match self {
            Helper::Get => format!("get(&sender, {key:?})"),
            Helper::Set => format!("set(&sender, {key:?}, value)"),
        }
    }
}

/// A runtime whose context the poll-by-poll checks enter: learner code
/// that needs one (a timer, a spawn) finds it; nothing runs on it.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("The grader could not start a runtime: {e}")))
}

/// Polls once; a panic becomes its message.
pub(super) fn poll_once<F: Future>(task: &mut Spawn<F>) -> Result<Poll<F::Output>, String> {
    catch_unwind(AssertUnwindSafe(|| task.poll())).map_err(|p| panic_text(&*p))
}

/// The answer to a panicking poll: a mistake named from its message.
fn panicked(call: &str, when: &str, message: &str) -> Failure {
    let failure = Failure::new(format!("{call} panicked {when}: {message}"));
    if message.contains(BLOCKING_PANIC) {
        failure
            .expected("`send(…).await`, which waits without blocking the thread")
            .mistake(BLOCKING_SEND_IN_ASYNC)
    } else {
        failure
    }
}

/// One of many calls made at once, as it ended: its result, or the
/// failure for a call that never returned or panicked.
fn settled<T>(call: &str, result: Result<T, String>) -> Result<T, Failure> {
    match result {
        Err(message) if message.starts_with("no result") => {
            Err(Failure::new(format!("{call} returned {message}.")))
        }
        Err(message) => Err(panicked(call, "with other calls running at once", &message)),
        Ok(got) => Ok(got),
    }
}

// ---------------------------------------------------------------------------
// Many callers at once, the grader as the manager.

/// The grader's manager: answers every command with the answer `script`
/// has for it, records what it was sent, and returns that record when the
/// callers' senders are all gone.
async fn grader_manager<A: Api>(
    mut receiver: mpsc::Receiver<A::Command>,
    answers: HashMap<String, Result<Option<Bytes>, String>>,
) -> Vec<(String, Option<Bytes>)> {
    let mut seen = Vec::new();
    while let Some(command) = receiver.recv().await {
        match A::open(command) {
            Sent::Get { key, resp } => {
                let answer = answers
                    .get(&key)
                    .cloned()
                    .unwrap_or(Ok(None))
                    .map_err(Into::into);
                let _ = resp.send(answer);
                seen.push((key, None));
            }
            Sent::Set { key, value, resp } => {
                let answer = match answers.get(&key) {
                    Some(Err(e)) => Err(e.clone().into()),
                    _ => Ok(()),
                };
                let _ = resp.send(answer);
                seen.push((key, Some(value)));
            }
        }
    }
    seen
}

/// Seeded keys, each with what the grader's manager answers for it: a
/// value, no value, or now and then a server error.
fn scripted_answers() -> Vec<(String, Result<Option<Bytes>, String>)> {
    let mut rng = crate::seed::rng();
    (0..CALLERS)
        .map(|i| {
            let key = format!("{}:{i}", rng.key());
            let answer = if rng.one_in(8) {
                Err("ERR the grader's server says no".to_owned())
            } else if rng.one_in(6) {
                Ok(None)
            } else {
                Ok(Some(Bytes::from(rng.value(64))))
            };
            (key, answer)
        })
        .collect()
}

/// Runs `CALLERS` calls of a helper at once, each as a task of its own on
/// the check's thread (a `LocalSet`: the helpers' futures need not be
/// `Send`), against the grader's manager. Returns each call's result, or
/// its panic, and what the manager was sent.
type Calls<T> = (
    Vec<Result<mini_redis::Result<T>, String>>,
    Vec<(String, Option<Bytes>)>,
);

fn many_calls<A: Api, T: 'static, F>(
    answers: &[(String, Result<Option<Bytes>, String>)],
    call: impl Fn(mpsc::Sender<A::Command>, String) -> F,
    capacity: usize,
) -> Result<Calls<T>, Failure>
where
    F: Future<Output = mini_redis::Result<T>> + 'static,
{
    let script: HashMap<_, _> = answers.iter().cloned().collect();
    block_on(tokio::task::LocalSet::new().run_until(async {
        let (sender, receiver) = mpsc::channel(capacity);
        let manager = tokio::spawn(grader_manager::<A>(receiver, script));
        let tasks: Vec<_> = answers
            .iter()
            .map(|(key, _)| tokio::task::spawn_local(call(sender.clone(), key.clone())))
            .collect();
        drop(sender);
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            let result = match tokio::time::timeout(patience(), task).await {
                Ok(Ok(result)) => Ok(result),
                Ok(Err(e)) if e.is_panic() => Err(panic_text(&*e.into_panic())),
                Ok(Err(e)) => Err(format!("the task failed: {e}")),
                Err(_) => Err(format!("no result within {}", patience_text())),
            };
            results.push(result);
        }
        let seen = match tokio::time::timeout(patience(), manager).await {
            Ok(Ok(seen)) => seen,
            _ => {
                return Err(Failure::new(format!(
                    "The grader's manager was still receiving {} after every caller had \
                     returned: a sender is still alive somewhere.",
                    patience_text()
                )));
            }
        };
        Ok((results, seen))
    }))
}

/// A hundred `get`s at once, each of a key of its own, from tasks on one
/// thread, through a small channel: each returns exactly what the grader's
/// manager answered for its key — a value, `None`, or a server error.
/// Catches `blocking_send` in async code, a helper that asks for the wrong
/// key, and answers mixed up between callers.
pub fn a_hundred_concurrent_gets_each_get_their_own_answer<A: Api>() -> Result<(), Failure> {
    let answers = scripted_answers();
    let (results, _) = many_calls::<A, _, _>(
        &answers,
        |sender, key| async move { A::get(&sender, &key).await },
        4,
    )?;
    for ((key, answer), result) in answers.iter().zip(results) {
        let call = Helper::Get.call(key);
        let got = settled(&call, result)?;
        let right = match (answer, &got) {
            (Ok(want), Ok(have)) => want == have,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if !right {
            return Err(Failure::new(format!(
                "{CALLERS} calls of get ran at once; {call} did not return what the manager \
                 answered for {key:?}."
            ))
            .expected(match answer {
                Ok(Some(v)) => format!("Ok(Some({}))", describe_bytes(v)),
                Ok(None) => "Ok(None)".to_owned(),
                Err(e) => format!("Err({e}), the manager's error"),
            })
            .got(match got {
                Ok(Some(v)) => format!("Ok(Some({}))", describe_bytes(&v)),
                Ok(None) => "Ok(None)".to_owned(),
                Err(e) => format!("Err({e})"),
            }));
        }
    }
    Ok(())
}

/// A hundred `set`s at once, each of a key of its own and a binary value
/// (CR, LF, NUL, bytes that are not UTF-8): the manager receives each key
/// with its value unchanged, and each call returns the manager's answer.
/// Catches `blocking_send` in async code, and keys or values changed on
/// the way.
pub fn a_hundred_concurrent_sets_each_carry_their_key_and_value<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let answers = scripted_answers();
    let values: HashMap<String, Bytes> = answers
        .iter()
        .map(|(key, _)| (key.clone(), Bytes::from(rng.value(64))))
        .collect();
    let for_calls = values.clone();
    let (results, seen) = many_calls::<A, _, _>(
        &answers,
        move |sender, key| {
            let value = for_calls[&key].clone();
            async move { A::set(&sender, &key, value).await }
        },
        4,
    )?;
    for ((key, answer), result) in answers.iter().zip(results) {
        let call = Helper::Set.call(key);
        let got = settled(&call, result)?;
        if answer.is_err() != got.is_err() {
            return Err(
                Failure::new(format!("{call} did not return what the manager answered."))
                    .expected(match answer {
                        Err(e) => format!("Err({e}), the manager's error"),
                        Ok(_) => "Ok(())".to_owned(),
                    })
                    .got(format!("{got:?}")),
            );
        }
    }
    for (key, value) in &values {
        let sent: Vec<&Option<Bytes>> = seen
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect();
        if sent.len() != 1 || sent[0].as_ref() != Some(value) {
            return Err(Failure::new(format!(
                "{CALLERS} calls of set ran at once; the manager did not receive one SET of \
                 {key:?} with its value."
            ))
            .expected(format!(
                "one Command::Set {{ key: {key:?}, value: {} }}",
                describe_bytes(value)
            ))
            .got(if sent.is_empty() {
                "no command for that key".to_owned()
            } else {
                sent.iter()
                    .map(|v| match v {
                        Some(v) => format!("Set with value {}", describe_bytes(v)),
                        None => "a Get".to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Poll by poll

/// Takes the command the helper put into the channel, if any.
fn take<A: Api>(receiver: &mut mpsc::Receiver<A::Command>) -> Option<Sent> {
    receiver.try_recv().ok().map(A::open)
}

/// A helper's first poll, with the grader as the manager: it must be
/// pending, with one command in the channel.
fn first_poll<A: Api, F: Future>(
    call: &str,
    task: &mut Spawn<F>,
    receiver: &mut mpsc::Receiver<A::Command>,
) -> Result<Sent, Failure>
where
    F::Output: std::fmt::Debug,
{
    match poll_once(task) {
        Err(message) => Err(panicked(call, "at its first poll", &message)),
        Ok(Poll::Ready(output)) => {
            let sent = take::<A>(receiver);
            let failure = Failure::new(format!(
                "{call} was ready at its first poll, returning {output:?}, before the manager \
                 had answered."
            ))
            .expected("pending until the manager's answer comes through the oneshot channel");
            Err(match sent {
                None => failure
                    .got("no command in the manager's channel")
                    .mistake(REPLY_WITHOUT_ASKING),
                Some(_) => failure
                    .got("a command in the channel, and a result without its answer")
                    .mistake(REPLY_NOT_AWAITED),
            })
        }
        Ok(Poll::Pending) => take::<A>(receiver).ok_or_else(|| {
            Failure::new(format!(
                "{call} was pending at its first poll, with no command in the manager's channel \
                 (which had room)."
            ))
            .expected("one command in the channel after the first poll")
        }),
    }
}

/// After the answer: woken, then ready with `want`.
fn answered<F: Future>(
    call: &str,
    task: &mut Spawn<F>,
    right: impl Fn(&F::Output) -> bool,
    want: &str,
) -> Result<(), Failure>
where
    F::Output: std::fmt::Debug,
{
    if !task.is_woken() {
        return Err(Failure::new(format!(
            "The manager answered {call}, and its task was not woken."
        ))
        .expected("the answer, sent through the oneshot channel, to wake the awaiting helper"));
    }
    match poll_once(task) {
        Err(message) => Err(panicked(call, "once answered", &message)),
        Ok(Poll::Ready(output)) if right(&output) => Ok(()),
        Ok(Poll::Ready(output)) => Err(Failure::new(format!(
            "Once the manager had answered, {call} returned {output:?}."
        ))
        .expected(want.to_owned())),
        Ok(Poll::Pending) => Err(Failure::new(format!(
            "Once the manager had answered, {call} was woken but still pending."
        ))
        .expected(format!("ready, returning {want}"))),
    }
}

/// Poll by poll: `get` is pending after its first poll, with a GET of its
/// key in the channel; it is not woken until the manager answers, then it
/// is woken and returns that answer. Catches a helper that returns without
/// asking, and one that does not wait for the reply.
pub fn a_get_is_pending_until_the_manager_answers<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let key = rng.key();
    let value = Bytes::from(rng.value(64));
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, mut receiver) = mpsc::channel(4);
    let call = Helper::Get.call(&key);
    let mut get = tokio_test::task::spawn(A::get(&sender, &key));
    let resp = match first_poll::<A, _>(&call, &mut get, &mut receiver)? {
        Sent::Get { key: asked, resp } if asked == key => resp,
        Sent::Get { key: asked, .. } => {
            return Err(
                Failure::new(format!("{call} sent the manager a GET of {asked:?}."))
                    .expected(format!("Command::Get {{ key: {key:?}, .. }}")),
            );
        }
        Sent::Set { .. } => {
            return Err(Failure::new(format!("{call} sent the manager a SET."))
                .expected(format!("Command::Get {{ key: {key:?}, .. }}")));
        }
    };
    if let Ok(Poll::Ready(output)) = poll_once(&mut get) {
        return Err(Failure::new(format!(
            "{call} returned {output:?} at its second poll, before the manager had answered."
        ))
        .expected("pending until the answer comes")
        .mistake(REPLY_NOT_AWAITED));
    }
    let _ = resp.send(Ok(Some(value.clone())));
    answered(
        &call,
        &mut get,
        |out| matches!(out, Ok(Some(v)) if *v == value),
        &format!("Ok(Some({}))", describe_bytes(&value)),
    )
}

/// Poll by poll: `set` is pending after its first poll, with a SET of its
/// key and value in the channel, until the manager answers; then it is
/// woken and returns `Ok(())`. Catches a helper that sends and returns
/// without awaiting the reply.
pub fn a_set_is_pending_until_the_manager_answers<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let key = rng.key();
    let value = Bytes::from(rng.value(64));
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, mut receiver) = mpsc::channel(4);
    let call = Helper::Set.call(&key);
    let mut set = tokio_test::task::spawn(A::set(&sender, &key, value.clone()));
    let resp = match first_poll::<A, _>(&call, &mut set, &mut receiver)? {
        Sent::Set {
            key: asked,
            value: carried,
            resp,
        } if asked == key && carried == value => resp,
        Sent::Set {
            key: asked,
            value: carried,
            ..
        } => {
            return Err(Failure::new(format!(
                "{call} sent the manager a SET of {asked:?} to {}.",
                describe_bytes(&carried)
            ))
            .expected(format!(
                "Command::Set {{ key: {key:?}, value: {}, .. }}",
                describe_bytes(&value)
            )));
        }
        Sent::Get { .. } => {
            return Err(Failure::new(format!("{call} sent the manager a GET."))
                .expected("Command::Set { .. }"));
        }
    };
    if let Ok(Poll::Ready(output)) = poll_once(&mut set) {
        return Err(Failure::new(format!(
            "{call} returned {output:?} at its second poll, before the manager had answered."
        ))
        .expected("pending until the answer comes")
        .mistake(REPLY_NOT_AWAITED));
    }
    let _ = resp.send(Ok(()));
    answered(&call, &mut set, |out| out.is_ok(), "Ok(())")
}

/// Poll by poll: with the channel full (capacity 1, holding a command of
/// the grader's), `get` is pending; when the manager takes the waiting
/// command, the `get` is woken, puts its own in, and returns the answer
/// to it. Backpressure seen from the caller's side. Catches `try_send`,
/// which fails at once on a full channel.
pub fn a_get_waits_for_room_in_a_full_channel<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let key = rng.key();
    let value = Bytes::from(rng.value(64));
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, mut receiver) = mpsc::channel(1);
    let (filler, _filler_reply) = oneshot::channel();
    sender
        .try_send(A::command(Sent::Get {
            key: "first-in-line".into(),
            resp: filler,
        }))
        .map_err(|_| Failure::new("The grader could not fill its own channel."))?;
    let call = Helper::Get.call(&key);
    let mut get = tokio_test::task::spawn(A::get(&sender, &key));
    match poll_once(&mut get) {
        Err(message) => return Err(panicked(&call, "on a full channel", &message)),
        Ok(Poll::Ready(output)) => {
            let failure = Failure::new(format!(
                "The manager's channel was full, and {call} returned {output:?} at its first poll."
            ))
            .expected("pending until the manager takes a command and makes room");
            return Err(if output.is_err() {
                failure.mistake(TRY_SEND_WHEN_FULL)
            } else {
                failure.mistake(REPLY_WITHOUT_ASKING)
            });
        }
        Ok(Poll::Pending) => {}
    }
    // The manager takes the command that was waiting: room for one.
    let _first = take::<A>(&mut receiver);
    if !get.is_woken() {
        return Err(Failure::new(format!(
            "The manager took a command from the full channel, and the pending {call} was not \
             woken."
        ))
        .expected("the room made in the channel to wake the send waiting in get"));
    }
    if let Ok(Poll::Ready(output)) = poll_once(&mut get) {
        return Err(Failure::new(format!(
            "Once there was room, {call} returned {output:?} without waiting for the answer."
        ))
        .expected("pending until the manager answers")
        .mistake(REPLY_NOT_AWAITED));
    }
    match take::<A>(&mut receiver) {
        Some(Sent::Get { key: asked, resp }) if asked == key => {
            let _ = resp.send(Ok(Some(value.clone())));
        }
        other => {
            return Err(Failure::new(format!(
                "Once there was room, {call} did not put its GET into the channel."
            ))
            .expected(format!("Command::Get {{ key: {key:?}, .. }}"))
            .got(match other {
                None => "nothing in the channel".to_owned(),
                Some(sent) => format!("{sent:?}"),
            }));
        }
    }
    answered(
        &call,
        &mut get,
        |out| matches!(out, Ok(Some(v)) if *v == value),
        &format!("Ok(Some({}))", describe_bytes(&value)),
    )
}

/// The two ways a manager can be gone, for one helper.
fn errs_when_gone<A: Api, F>(
    helper: Helper,
    call: impl Fn(mpsc::Sender<A::Command>) -> F,
) -> Result<(), Failure>
where
    F: Future<Output: IsErr + std::fmt::Debug>,
{
    let name = helper.call("gone");
    let runtime = runtime()?;
    let _context = runtime.enter();
    // 1. The manager has stopped: its receiver is dropped.
    let (sender, receiver) = mpsc::channel(4);
    drop(receiver);
    let mut task = tokio_test::task::spawn(call(sender.clone()));
    match poll_once(&mut task) {
        Ok(Poll::Ready(output)) if output.is_err() => {}
        Ok(Poll::Ready(output)) => {
            return Err(Failure::new(format!(
                "The manager had stopped (its receiver dropped), and {name} returned {output:?}."
            ))
            .expected("an Err: the command could not be sent"));
        }
        Ok(Poll::Pending) => {
            return Err(Failure::new(format!(
                "The manager had stopped (its receiver dropped), and {name} was pending."
            ))
            .expected("an Err at once: send(…) fails when the receiver is gone"));
        }
        Err(message) => {
            return Err(gone_panic(
                &name,
                "had stopped (its receiver dropped)",
                &message,
            ));
        }
    }
    drop(task);
    // 2. The manager took the command and dropped it, unanswered.
    let (sender, mut receiver) = mpsc::channel(4);
    let mut task = tokio_test::task::spawn(call(sender.clone()));
    match poll_once(&mut task) {
        Ok(Poll::Pending) => {}
        Ok(Poll::Ready(output)) => {
            return Err(Failure::new(format!(
                "{name} returned {output:?} at its first poll, before the manager had answered."
            ))
            .expected("pending until the manager answers or drops the command"));
        }
        Err(message) => return Err(panicked(&name, "at its first poll", &message)),
    }
    drop(receiver.try_recv());
    drop(receiver);
    match poll_once(&mut task) {
        Ok(Poll::Ready(output)) if output.is_err() => Ok(()),
        Ok(Poll::Ready(output)) => Err(Failure::new(format!(
            "The manager dropped {name}'s command without an answer, and it returned {output:?}."
        ))
        .expected("an Err: no answer will ever come")),
        Ok(Poll::Pending) => Err(Failure::new(format!(
            "The manager dropped {name}'s command without an answer, and {name} was still \
             pending."
        ))
        .expected("an Err: awaiting the oneshot receiver fails once its sender is dropped")),
        Err(message) => Err(gone_panic(
            &name,
            "dropped the command without an answer",
            &message,
        )),
    }
}

fn gone_panic(call: &str, what: &str, message: &str) -> Failure {
    Failure::new(format!(
        "The manager {what}, and {call} panicked: {message}"
    ))
    .expected("an Err returned to the caller, never a panic")
    .mistake(PANIC_WHEN_MANAGER_GONE)
}

/// Whether a helper's output is an error.
pub(crate) trait IsErr {
    fn is_err(&self) -> bool;
}

impl<T> IsErr for mini_redis::Result<T> {
    fn is_err(&self) -> bool {
        Result::is_err(self)
    }
}

/// With the manager stopped, `get` returns an `Err` at once; when the
/// manager drops its command unanswered, `get` returns an `Err` too.
/// Never a panic, never a hang. Catches `rx.await.unwrap()` and
/// `send(…).await.unwrap()`.
pub fn a_get_errs_when_the_manager_is_gone<A: Api>() -> Result<(), Failure> {
    errs_when_gone::<A, _>(Helper::Get, |sender| async move {
        A::get(&sender, "gone").await
    })
}

/// The same for `set`. Catches `send(…).await.unwrap()` and
/// `rx.await.unwrap()`.
pub fn a_set_errs_when_the_manager_is_gone<A: Api>() -> Result<(), Failure> {
    errs_when_gone::<A, _>(Helper::Set, |sender| async move {
        A::set(&sender, "gone", Bytes::from_static(b"value")).await
    })
}
