//! Chapter 4, Channels: a manager task that owns the connection.
//!
//! The learner writes a client again, so the checks grade by effect against
//! a [`RedisFixture`](crate::fixtures::RedisFixture), whose proxy counts
//! connections and can stall or kill the server. The grader never links
//! the learner's `Command` type: it builds and opens commands through the
//! crate's `tests/grade.rs` ([`Api::command`], [`Api::open`]), which lets it
//! play either side of the channel:
//!
//! - 4.1's checks send their own commands into the learner's manager;
//! - 4.2 and 4.3's checks are the manager for the learner's helpers, so a
//!   reply can be held back, given, or refused exactly when a check wants,
//!   and questions about pending and waking are answered poll by poll with
//!   tokio-test's task harness;
//! - 4.4's checks feed a `broadcast` channel to the learner's follower;
//! - 4.5's checks publish a setting on a `watch` channel, from a thread of
//!   their own, and poll the learner's observer by hand.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::manifest::exercise;
use crate::suite::Suite;

mod follow;
mod manager;
mod observe;
mod requests;

/// Where the manager sends the result of one command, as in the chapter's
/// given code.
pub type Responder<T> = oneshot::Sender<mini_redis::Result<T>>;

/// A command, as the grader sees it: the same fields as the chapter's
/// given `Command` enum, in a type the grader owns.
#[derive(Debug)]
pub enum Sent {
    /// `Command::Get`.
    Get {
        /// The key to read.
        key: String,
        /// Where the value goes.
        resp: Responder<Option<Bytes>>,
    },
    /// `Command::Set`.
    Set {
        /// The key to write.
        key: String,
        /// The value to store.
        value: Bytes,
        /// Where the server's OK goes.
        resp: Responder<()>,
    },
}

/// The public API of a chapter-4 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one item each
/// (`cargo workbook dev gen` writes the chapter's from the solution's).
/// Every method has a default that is not part of the exercise, so a
/// gallery entry writes only the function its mistake is in.
pub trait Api: 'static {
    /// The chapter's given `Command` enum.
    type Command: Send + 'static;

    /// Given code: a grader's command as the crate's `Command`.
    fn command(sent: Sent) -> Self::Command {
        let _ = sent;
        unimplemented!("not part of this gallery entry")
    }
    /// Given code: the crate's `Command` as the grader's.
    fn open(command: Self::Command) -> Sent {
        let _ = command;
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 4.1: connect, and spawn the manager.
    fn start(
        addr: SocketAddr,
    ) -> impl Future<Output = mini_redis::Result<(mpsc::Sender<Self::Command>, JoinHandle<()>)>>
    {
        let _ = addr;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 4.2: GET through the manager.
    fn get(
        sender: &mpsc::Sender<Self::Command>,
        key: &str,
    ) -> impl Future<Output = mini_redis::Result<Option<Bytes>>> {
        let _ = (sender, key);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 4.3: SET through the manager.
    fn set(
        sender: &mpsc::Sender<Self::Command>,
        key: &str,
        value: Bytes,
    ) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = (sender, key, value);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 4.4: follow a feed; what it saw and how many it missed.
    fn follow(changes: broadcast::Receiver<String>) -> impl Future<Output = (Vec<String>, u64)> {
        drop(changes);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 4.5: apply each published limit by sending it to `apply`.
    fn observe(limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) -> impl Future<Output = ()> {
        drop((limit, apply));
        async { unimplemented!("not part of this gallery entry") }
    }
}

/// How long learner code may take before a check gives up on it (well
/// inside the harness's deadline, so the check can still explain).
pub(crate) fn patience() -> Duration {
    crate::harness::scaled(Duration::from_secs(5))
}

/// [`patience`], as the learner reads it.
pub(crate) fn patience_text() -> String {
    crate::harness::runner::seconds(patience())
}

/// How long the grader watches a pending task for a wake-up nobody asked
/// for.
pub(crate) fn quiet() -> Duration {
    crate::harness::scaled(Duration::from_millis(100))
}

/// Whether a pending task, polled with tokio-test's harness, woke itself
/// up within [`quiet`] with nothing sent: a loop that checks a channel and
/// yields (or sleeps) instead of awaiting it.
pub(crate) fn woke_by_itself<F: Future>(task: &tokio_test::task::Spawn<F>) -> bool {
    let until = std::time::Instant::now() + quiet();
    while std::time::Instant::now() < until {
        if task.is_woken() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    task.is_woken()
}

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    let manager = exercise("manager");
    let get = exercise("get");
    let set = exercise("set");
    let follow = exercise("follow");
    let observe = exercise("observe");
    Suite::new(
        4,
        package,
        vec![
            check!(manager, manager::a_hundred_tasks_share_one_connection::<A>),
            check!(
                manager,
                manager::the_manager_ends_when_every_sender_is_dropped::<A>
            ),
            check!(
                manager,
                manager::a_dropped_reply_receiver_does_not_stop_the_manager::<A>
            ),
            check!(
                manager,
                manager::the_channel_is_bounded_and_fills_while_the_server_stalls::<A>
            ),
            check!(
                manager,
                manager::a_send_into_the_full_channel_waits_for_the_manager::<A>
            ),
            check!(
                manager,
                manager::every_waiting_caller_gets_an_error_when_the_server_dies::<A>
            ),
            check!(
                manager,
                manager::a_server_error_reaches_only_its_own_caller::<A>
            ),
            check!(
                get,
                requests::a_hundred_concurrent_gets_each_get_their_own_answer::<A>
            ),
            check!(
                get,
                requests::a_get_is_pending_until_the_manager_answers::<A>
            ),
            check!(get, requests::a_get_waits_for_room_in_a_full_channel::<A>),
            check!(get, requests::a_get_errs_when_the_manager_is_gone::<A>),
            check!(
                set,
                requests::a_hundred_concurrent_sets_each_carry_their_key_and_value::<A>
            ),
            check!(
                set,
                requests::a_set_is_pending_until_the_manager_answers::<A>
            ),
            check!(set, requests::a_set_errs_when_the_manager_is_gone::<A>),
            check!(
                follow,
                follow::every_follower_sees_every_change_in_order::<A>
            ),
            check!(
                follow,
                follow::a_lagging_follower_counts_what_it_missed_and_continues::<A>
            ),
            check!(
                follow,
                follow::a_follower_waits_for_each_value_until_the_feed_closes::<A>
            ),
            check!(
                observe,
                observe::an_observer_applies_the_limit_then_waits_for_a_change::<A>
            ),
            check!(
                observe,
                observe::publishing_never_waits_for_an_observer::<A>
            ),
            check!(
                observe,
                observe::every_observer_ends_with_the_latest_limit::<A>
            ),
        ],
    )
}

/// The whole `main` of a chapter-4 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}

/// A panic's message, from a task's `JoinError` or `catch_unwind`.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// Tokio's panic when async code calls `blocking_send` or `blocking_recv`.
pub(crate) const BLOCKING_PANIC: &str = "Cannot block the current thread from within a runtime";
