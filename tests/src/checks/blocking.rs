//! Blocking inside async code, found by its effect.
//!
//! A task that calls `std::thread::sleep`, waits on a blocking lock or
//! channel, or reads a file the blocking way keeps the thread it runs on
//! from running any other task. On a multi-thread runtime that often goes
//! unnoticed (another worker picks up the rest), so every reply still comes
//! and every other check passes — until a second slow request lands on the
//! other worker too. This check makes the effect certain: it runs the
//! learner's server on a runtime of **one** thread, beside a ticker task of
//! the grader's, drives it with a few random sessions of its exercise's
//! model, and watches that thread from outside.
//!
//! Tokio's own thread, between tasks, waits only inside the I/O driver
//! (`epoll_wait`). So the evidence is exact on Linux: each millisecond the
//! thread is found asleep in any *other* system call, some task is blocking
//! it — `nanosleep` is a blocking sleep, `futex` a blocking lock, channel
//! or join, anything else blocking I/O. A correct server spends no time
//! there; the check fails from [`BLOCKED_LIMIT`] on, and says which kind,
//! with how late the ticker was. Elsewhere (no `/proc/PID/task/TID/syscall`)
//! only a ticker late by [`LATE_LIMIT`] or more fails it.
//!
//! `tokio::task::block_in_place`, which panics on a current-thread
//! runtime, is named the same mistake.

use std::time::{Duration, Instant};

use super::model::generate::{Bounds, Generator};
use super::model::{Model, Step, run};
use crate::failure::Failure;
use crate::fixtures::activity::Sampler;
use crate::fixtures::{RunningServer, Serve, block_on};
use crate::harness::runner::seconds;
use crate::mistakes;

/// Blocked time (summed over the whole check) from which it fails. A
/// correct server is never found there; a task that sleeps 5 ms per
/// request is found there for hundreds.
pub const BLOCKED_LIMIT: Duration = Duration::from_millis(25);

/// Without `/proc`: how late the ticker may be before the check fails
/// (scaled by `WORKBOOK_TIMEOUT_SCALE`: only a busy machine makes a
/// correct server's ticker late).
pub const LATE_LIMIT: Duration = Duration::from_secs(1);

/// The traffic: a few sessions of the exercise's model, one after another,
/// on one server.
const BOUNDS: Bounds = Bounds {
    sessions: 4,
    bytes: 128 * 1024,
    parallel: 1,
};

/// Random sessions of the exercise's model, run against the learner's
/// server on a runtime of one thread, never find that thread blocked
/// outside Tokio: no `std::thread::sleep`, blocking lock, blocking channel
/// or blocking I/O inside a task, no `block_in_place`. Replies are not
/// judged here (`random_sessions_match_the_model` does that). Catches
/// blocking calls inside async code, which other checks see only as
/// slowness.
pub fn no_request_blocks_the_runtime<S: Serve, M: Model>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let sessions = Generator::sessions(&mut rng, M::SHAPE, BOUNDS);
    let requests: usize = sessions
        .iter()
        .flat_map(|s| &s.steps)
        .map(|step| match step {
            Step::Send(sends) => sends.iter().map(|s| s.requests.len()).sum(),
            _ => 0,
        })
        .sum();
    blocked_while::<S>(requests, |server| {
        block_on(async {
            let mut answered = 0;
            for session in &sessions {
                let outcome = run::run::<M>(server, session, run::Timing::search()).await;
                answered += outcome
                    .replies
                    .iter()
                    .flatten()
                    .flatten()
                    .filter(|got| matches!(got, run::Got::Reply(_)))
                    .count();
                if server.ended().is_some() {
                    break;
                }
            }
            answered
        })
    })
}

/// Runs server `S` on a runtime of one thread, drives it with `drive`
/// (which sends `requests` requests and returns how many were answered),
/// and fails if that thread was found blocked outside Tokio, or, without
/// `/proc`, if the grader's ticker beside it woke up late. Any server
/// exercise can use it with traffic of its own (RESP sessions, echoes).
pub(crate) fn blocked_while<S: Serve>(
    requests: usize,
    drive: impl FnOnce(&RunningServer) -> usize,
) -> Result<(), Failure> {
    let server = RunningServer::start_on_one_thread::<S>();
    let thread = wait_for_thread(&server);
    let watch = thread.and_then(block_watch);
    let answered = drive(&server);
    let blocked = watch.and_then(Sampler::finish);
    let late = server.ticker().map(|t| t.worst_late()).unwrap_or_default();
    drop(server);

    let ticker = format!(
        "a ticker task on the same runtime, due every {} ms, woke up to {} ms late",
        crate::fixtures::server::Ticker::EVERY.as_millis(),
        late.as_millis()
    );
    // Nothing answered, nothing proven: a server that never ran a task
    // (a stub, a task that panics on a one-thread runtime) blocks nothing.
    // A panic of the learner's is reported with this failure, and names
    // its own mistake (`block_in_place` names blocking).
    if answered == 0 {
        return Err(Failure::new(format!(
            "On a runtime of one thread, your server answered none of the grader's \
             {requests} requests, so whether it blocks that thread could not be seen."
        )));
    }
    match blocked {
        Some(blocked) if blocked.total() >= BLOCKED_LIMIT => Err(Failure::new(format!(
            "While the grader sent your server {requests} requests, the one thread its \
             runtime had was blocked outside Tokio for {} ms in all: {}.",
            blocked.total().as_millis(),
            blocked.dominant()
        ))
        .got(ticker)
        .expected(format!(
            "no time blocked (less than {} ms): between tasks, Tokio's thread waits only \
             in its I/O driver",
            BLOCKED_LIMIT.as_millis()
        ))
        .mistake(mistakes::BLOCKING_IN_ASYNC)),
        None if late >= crate::harness::scaled(LATE_LIMIT) => Err(Failure::new(format!(
            "While the grader sent your server {requests} requests on a runtime of one \
             thread, {ticker}: a task kept that thread from running any other."
        ))
        .expected(format!(
            "a ticker late by less than {}",
            seconds(crate::harness::scaled(LATE_LIMIT))
        ))
        .mistake(mistakes::BLOCKING_IN_ASYNC)),
        _ => Ok(()),
    }
}

/// The server's thread id, once its thread has started (a moment).
fn wait_for_thread(server: &RunningServer) -> Option<u32> {
    let until = Instant::now() + crate::harness::scaled(Duration::from_secs(1));
    loop {
        if let Some(tid) = server.thread() {
            return Some(tid);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Time a thread was found asleep outside the I/O driver, by kind.
#[derive(Debug, Default, Clone, Copy)]
struct Blocked {
    sleeping: Duration,
    locked: Duration,
    other: Duration,
    /// The system call of the `other` time, the last one seen.
    other_call: Option<i64>,
}

impl Blocked {
    fn total(&self) -> Duration {
        self.sleeping + self.locked + self.other
    }

    /// The kind with the most time, in words.
    fn dominant(&self) -> String {
        let ms = |d: Duration| d.as_millis();
        if self.sleeping >= self.locked && self.sleeping >= self.other {
            format!(
                "{} ms asleep in `std::thread::sleep` (or another blocking sleep)",
                ms(self.sleeping)
            )
        } else if self.locked >= self.other {
            format!(
                "{} ms waiting on a blocking lock, channel or join (a `futex`): a \
                 `std::sync::Mutex` held by another thread, a `std::sync::mpsc` receive, \
                 a `JoinHandle::join`…",
                ms(self.locked)
            )
        } else {
            format!(
                "{} ms in blocking system call {}: blocking I/O, such as `std::fs` or \
                 `std::net`",
                ms(self.other),
                self.other_call.map_or("?".to_owned(), |c| c.to_string())
            )
        }
    }
}

/// System calls a Linux thread may be asleep in, by number.
#[cfg(target_arch = "x86_64")]
mod calls {
    pub const DRIVER: &[i64] = &[232, 281, 441]; // epoll_wait, epoll_pwait, epoll_pwait2
    pub const SLEEP: &[i64] = &[35, 230]; // nanosleep, clock_nanosleep
    pub const FUTEX: &[i64] = &[202, 449]; // futex, futex_waitv
}
#[cfg(target_arch = "aarch64")]
mod calls {
    pub const DRIVER: &[i64] = &[22, 441]; // epoll_pwait, epoll_pwait2
    pub const SLEEP: &[i64] = &[101, 115]; // nanosleep, clock_nanosleep
    pub const FUTEX: &[i64] = &[98, 449]; // futex, futex_waitv
}
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod calls {
    pub const DRIVER: &[i64] = &[];
    pub const SLEEP: &[i64] = &[];
    pub const FUTEX: &[i64] = &[];
}

/// Watches thread `tid` of this process every millisecond, when this
/// system shows what a thread is asleep in (Linux on x86-64 or ARM).
fn block_watch(tid: u32) -> Option<Sampler<Blocked>> {
    if calls::DRIVER.is_empty() {
        return None;
    }
    let folder = format!("/proc/self/task/{tid}");
    std::fs::read_to_string(format!("{folder}/syscall")).ok()?;
    let mut last = Instant::now();
    Sampler::start(
        "grader-block-watch",
        Duration::from_millis(1),
        Blocked::default(),
        move |blocked| {
            let now = Instant::now();
            // A look stands for the time since the last one, but never
            // for more than a few ms: a watch descheduled on a busy
            // machine saw nothing meanwhile.
            let span = (now - last).min(Duration::from_millis(3));
            last = now;
            if let Some(call) = asleep_in(&folder) {
                if call < 0 || calls::DRIVER.contains(&call) {
                } else if calls::SLEEP.contains(&call) {
                    blocked.sleeping += span;
                } else if calls::FUTEX.contains(&call) {
                    blocked.locked += span;
                } else {
                    blocked.other += span;
                    blocked.other_call = Some(call);
                }
            }
        },
    )
}

/// The system call the thread in `folder` is asleep in, if it is asleep
/// in one (state `S` or `D`).
fn asleep_in(folder: &str) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("{folder}/stat")).ok()?;
    let state = crate::harness::runner::thread_state(&stat)?;
    if state != 'S' && state != 'D' {
        return None;
    }
    let call = std::fs::read_to_string(format!("{folder}/syscall")).ok()?;
    call.split_whitespace().next()?.parse().ok()
}
