//! Exercise 4.5: an observer of a setting on a `watch` channel.
//!
//! The grader publishes from a thread of its own: `send` takes the
//! channel's write lock, and an observer that keeps a `borrow()` guard
//! across an `.await` blocks it. On the check's thread that would freeze
//! the check; on a thread of its own it is a `send` that does not return,
//! which the check can see and name.
//!
//! Whether the observer waits without spinning, applies the value it
//! starts with, is woken by a `send` and ends once the publisher is gone
//! are questions for tokio-test's task harness, poll by poll.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::mpsc as std_mpsc;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_test::task::Spawn;

use super::requests::{poll_once, runtime};
use super::{Api, panic_text, patience, patience_text, quiet, woke_by_itself};
use crate::failure::Failure;
use crate::fixtures::block_on;
use crate::mistakes::{
    BORROW_HELD_ACROSS_AWAIT, CHANNEL_POLLED_IN_A_LOOP, INITIAL_VALUE_SKIPPED,
    OBSERVER_OUTLIVES_PUBLISHER, OBSERVER_STOPS_EARLY,
};

/// One mebibyte: the limits are whole numbers of them, so that messages
/// read as sizes.
const MIB: u64 = 1024 * 1024;

/// How many observers watch one setting at once.
const OBSERVERS: usize = 3;

/// How long a `send` may take before the grader calls it blocked: it only
/// takes a lock and bumps a counter.
fn send_patience() -> Duration {
    crate::harness::scaled(Duration::from_secs(2))
}

/// `count` different limits, in MiB steps, seeded.
fn limits(count: usize) -> Vec<u64> {
    let mut rng = crate::seed::rng();
    let mut start = rng.range(1..512) as u64;
    (0..count)
        .map(|_| {
            start += rng.range(1..64) as u64;
            start * MIB
        })
        .collect()
}

/// A limit as the learner reads it.
fn show(limit: u64) -> String {
    if limit % MIB == 0 {
        format!("{} MiB", limit / MIB)
    } else {
        limit.to_string()
    }
}

/// Limits as the learner reads them, a value repeated in a row written
/// once with its count.
fn show_all(limits: &[u64]) -> String {
    let mut runs: Vec<(u64, usize)> = Vec::new();
    for &limit in limits {
        match runs.last_mut() {
            Some((last, count)) if *last == limit => *count += 1,
            _ => runs.push((limit, 1)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .map(|&(limit, count)| match count {
            1 => show(limit),
            n => format!("{} ×{n}", show(limit)),
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

/// The publishing side, on a thread of its own: it owns the `watch`
/// sender, publishes when asked, and says when each `send` has returned.
struct Publisher {
    asks: std_mpsc::Sender<Option<u64>>,
    done: std_mpsc::Receiver<()>,
}

impl Publisher {
    fn new(sender: watch::Sender<u64>) -> Publisher {
        let (asks, asked) = std_mpsc::channel::<Option<u64>>();
        let (finished, done) = std_mpsc::channel();
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for ask in asked {
                match ask {
                    // `send_replace`: the value is published even when
                    // every receiver is gone (a returned observer).
                    Some(limit) => drop(sender.as_ref().map(|s| s.send_replace(limit))),
                    None => sender = None,
                }
                if finished.send(()).is_err() {
                    return;
                }
            }
        });
        Publisher { asks, done }
    }

    fn ask(&self, ask: Option<u64>, what: &str) -> Result<(), Failure> {
        let sent = self.asks.send(ask).is_ok();
        if sent && self.done.recv_timeout(send_patience()).is_ok() {
            return Ok(());
        }
        Err(Failure::new(format!(
            "The publisher's {what} did not return within {}, while your observer was \
             pending: the observer holds the channel's lock across an `.await`.",
            crate::harness::runner::seconds(send_patience())
        ))
        .expected(format!("{what} to return at once"))
        .mistake(BORROW_HELD_ACROSS_AWAIT))
    }

    /// Publishes `limit`; `Err` if the `send` blocked.
    fn publish(&self, limit: u64) -> Result<(), Failure> {
        self.ask(Some(limit), &format!("send({})", show(limit)))
    }

    /// Drops the sender: the publisher is gone.
    fn close(&self) -> Result<(), Failure> {
        self.ask(None, "drop of the sender")
    }
}

/// Everything the observer has sent to `apply` since the last look.
fn drain(applied: &mut mpsc::Receiver<u64>) -> Vec<u64> {
    let mut got = Vec::new();
    while let Ok(limit) = applied.try_recv() {
        got.push(limit);
    }
    got
}

/// One poll of the observer, which must stay pending while the publisher
/// is there.
fn poll_pending<F: Future<Output = ()>>(task: &mut Spawn<F>, when: &str) -> Result<(), Failure> {
    match poll_once(task) {
        Ok(Poll::Pending) => Ok(()),
        Ok(Poll::Ready(())) => Err(Failure::new(format!(
            "Your observer returned {when}, while the publisher was still there."
        ))
        .expected("pending: waiting with `changed().await` for the next limit")
        .mistake(OBSERVER_STOPS_EARLY)),
        Err(message) => Err(Failure::new(format!(
            "Your observer panicked {when}: {message}"
        ))),
    }
}

/// After the publisher is gone: polls until the observer returns, taking
/// what it applies. `Err` if it stays pending with nothing left to do.
fn runs_to_the_end<F: Future<Output = ()>>(
    task: &mut Spawn<F>,
    applied: &mut mpsc::Receiver<u64>,
    seen: &mut Vec<u64>,
) -> Result<(), Failure> {
    // Room in `apply` wakes an observer waiting to send; each poll makes
    // progress, so a correct observer needs only a few.
    for _ in 0..64 {
        match poll_once(task) {
            Ok(Poll::Ready(())) => return Ok(()),
            Ok(Poll::Pending) => {
                let more = drain(applied);
                if more.is_empty() && !task.is_woken() {
                    break;
                }
                seen.extend(more);
            }
            Err(message) => {
                return Err(Failure::new(format!(
                    "Your observer panicked after the publisher was gone: {message}"
                ))
                .expected("to return quietly once `changed()` returns Err"));
            }
        }
    }
    Err(Failure::new(
        "The publisher dropped its sender, and your observer was still pending (polled again \
         and again, with room in `apply`).",
    )
    .expected("to return: `changed().await` is Err once every sender is gone")
    .got(format!("it applied {} afterwards", show_all(seen)))
    .mistake(OBSERVER_OUTLIVES_PUBLISHER))
}

/// Poll by poll: polled once, the observer applies the limit the channel
/// holds and is pending; it is not woken while nothing is published; a
/// `send` wakes it and it applies the new limit; two sends before its
/// next poll leave it only the second (a `watch` keeps only the latest);
/// once the sender is dropped it returns. Catches a loop that starts with
/// `changed()` (the first limit never applied), one that checks for
/// changes itself (`has_changed` or `borrow()` with `yield_now`), and one
/// that ignores the `Err` of `changed()`.
pub fn an_observer_applies_the_limit_then_waits_for_a_change<A: Api>() -> Result<(), Failure> {
    let limits = limits(4);
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, limit) = watch::channel(limits[0]);
    let publisher = Publisher::new(sender);
    let (apply, mut applied) = mpsc::channel(16);
    let mut task = tokio_test::task::spawn(A::observe(limit, apply));

    poll_pending(&mut task, "at its first poll")?;
    let first = drain(&mut applied);
    if first != [limits[0]] {
        let failure = Failure::new(format!(
            "The channel held {}; your observer was polled once, and is pending.",
            show(limits[0])
        ))
        .expected(format!(
            "{} applied (sent to `apply`) before waiting for a change",
            show(limits[0])
        ))
        .got(format!("it applied {}", show_all(&first)));
        return Err(if first.is_empty() {
            failure.mistake(INITIAL_VALUE_SKIPPED)
        } else {
            failure
        });
    }
    if woke_by_itself(&task) {
        return Err(Failure::new(format!(
            "Nothing was published, yet your pending observer was woken again within {}.",
            crate::harness::runner::seconds(quiet())
        ))
        .expected("pending, not woken, until a `send`: `changed().await` waits")
        .mistake(CHANNEL_POLLED_IN_A_LOOP));
    }

    publisher.publish(limits[1])?;
    if !task.is_woken() {
        return Err(Failure::new(format!(
            "The publisher sent {}, and your pending observer was not woken.",
            show(limits[1])
        ))
        .expected("the `send` to wake the observer waiting in `changed().await`"));
    }
    poll_pending(&mut task, &format!("after {} was sent", show(limits[1])))?;
    let second = drain(&mut applied);
    if second != [limits[1]] {
        return Err(Failure::new(format!(
            "The publisher sent {}, and your observer was polled.",
            show(limits[1])
        ))
        .expected(format!("{} applied, once", show(limits[1])))
        .got(format!("it applied {}", show_all(&second))));
    }

    publisher.publish(limits[2])?;
    publisher.publish(limits[3])?;
    poll_pending(
        &mut task,
        &format!(
            "after {} and {} were sent",
            show(limits[2]),
            show(limits[3])
        ),
    )?;
    let third = drain(&mut applied);
    if third != [limits[3]] {
        return Err(Failure::new(format!(
            "The publisher sent {} and then {} before your observer was polled again; a \
             `watch` channel keeps only the latest.",
            show(limits[2]),
            show(limits[3])
        ))
        .expected(format!("{} applied, once", show(limits[3])))
        .got(format!("it applied {}", show_all(&third))));
    }

    publisher.close()?;
    let mut after = Vec::new();
    runs_to_the_end(&mut task, &mut applied, &mut after)?;
    if !after.is_empty() {
        return Err(Failure::new(
            "The publisher dropped its sender without sending anything new, and your observer \
             applied a limit again before returning.",
        )
        .expected("nothing more applied: no limit changed")
        .got(format!("it applied {}", show_all(&after))));
    }
    Ok(())
}

/// With `apply` full (capacity 1, nobody taking), the observer waits to
/// send; meanwhile the publisher's `send` must return at once, from a
/// thread of its own. Then, with `apply` emptied, the observer catches up
/// and ends with the last limit. Catches a `watch::Ref` (from `borrow()`
/// or `borrow_and_update()`) kept alive across the `.await` of
/// `apply.send(…)`, which holds the lock `send` needs.
pub fn publishing_never_waits_for_an_observer<A: Api>() -> Result<(), Failure> {
    let limits = limits(3);
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, limit) = watch::channel(limits[0]);
    let publisher = Publisher::new(sender);
    let (apply, mut applied) = mpsc::channel(1);
    let mut task = tokio_test::task::spawn(A::observe(limit, apply));

    poll_pending(&mut task, "at its first poll")?;
    // `apply` now holds the first limit and is full.
    publisher.publish(limits[1])?;
    poll_pending(
        &mut task,
        &format!("after {} was sent, with `apply` full", show(limits[1])),
    )?;
    // The observer waits for room in `apply`: this `send` must not wait
    // for the observer.
    publisher.publish(limits[2])?;
    publisher.close()?;
    let mut seen = drain(&mut applied);
    runs_to_the_end(&mut task, &mut applied, &mut seen)?;
    seen.extend(drain(&mut applied));
    if seen.first() != Some(&limits[0]) || seen.last() != Some(&limits[2]) {
        let skipped = seen.first() != Some(&limits[0]);
        let failure = Failure::new(format!(
            "The publisher sent {} after {}, then dropped its sender, with nobody taking from \
             `apply` (capacity 1); then the grader took what your observer applied.",
            show_all(&limits[1..]),
            show(limits[0])
        ))
        .expected(format!(
            "first {}, last {}",
            show(limits[0]),
            show(limits[2])
        ))
        .got(format!("it applied {}", show_all(&seen)));
        return Err(if skipped {
            failure.mistake(INITIAL_VALUE_SKIPPED)
        } else {
            failure
        });
    }
    Ok(())
}

/// Three observers of one setting, on one thread, while the grader
/// publishes twenty seeded limits with a seeded number of yields between
/// them, and then drops the sender. Each observer must still be running
/// at every `send`; then it must return, having applied the first limit,
/// then some of the others in the order sent, none twice, and the last.
/// It need not see every limit: a `watch` keeps only the latest. Catches
/// an observer that returns after one change.
pub fn every_observer_ends_with_the_latest_limit<A: Api>() -> Result<(), Failure> {
    let limits = limits(20);
    let mut rng = crate::seed::rng();
    let pauses: VecDeque<usize> = (0..limits.len()).map(|_| rng.range(0..4)).collect();
    let (outcomes, stopped_early) = block_on(tokio::task::LocalSet::new().run_until(async {
        let (sender, limit) = watch::channel(limits[0]);
        let publisher = Publisher::new(sender);
        let mut observers = Vec::with_capacity(OBSERVERS);
        for _ in 0..OBSERVERS {
            let (apply, applied) = mpsc::channel(limits.len() + 1);
            let task = tokio::task::spawn_local(A::observe(limit.clone(), apply));
            observers.push((task, applied));
        }
        drop(limit);
        let mut stopped_early = None;
        for (i, (&next, pause)) in limits.iter().zip(pauses).enumerate().skip(1) {
            for _ in 0..pause + 1 {
                tokio::task::yield_now().await;
            }
            if stopped_early.is_none() && observers.iter().any(|(t, _)| t.is_finished()) {
                stopped_early = Some(i);
            }
            // A blocked `send` blocks only the publisher's thread.
            publisher.publish(next)?;
        }
        tokio::task::yield_now().await;
        publisher.close()?;
        let mut outcomes = Vec::with_capacity(OBSERVERS);
        for (task, mut applied) in observers {
            let ended = match tokio::time::timeout(patience(), task).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) if e.is_panic() => {
                    Err(format!("panicked: {}", panic_text(&*e.into_panic())))
                }
                Ok(Err(e)) => Err(format!("failed ({e})")),
                Err(_) => Err(format!(
                    "was still running {} after the sender was dropped",
                    patience_text()
                )),
            };
            outcomes.push((ended, drain(&mut applied)));
        }
        Ok::<_, Failure>((outcomes, stopped_early))
    }))?;

    let context = format!(
        "{OBSERVERS} observers watched one limit while the grader published {} in turn, \
         yielding now and then, and then dropped the sender.",
        show_all(&limits)
    );
    for (ended, seen) in &outcomes {
        if let Err(how) = ended {
            let failure = Failure::new(format!("{context} An observer {how}."))
                .expected("each observer to return once the sender is gone")
                .got(format!("it had applied {}", show_all(seen)));
            return Err(if how.starts_with("was still running") {
                failure.mistake(OBSERVER_OUTLIVES_PUBLISHER)
            } else {
                failure
            });
        }
    }
    if let Some(i) = stopped_early {
        let seen = outcomes.iter().map(|(_, s)| s).min_by_key(|s| s.len());
        return Err(Failure::new(format!(
            "{context} Before {} was sent (the {} of {}), an observer had already returned.",
            show(limits[i]),
            ordinal(i + 1),
            limits.len()
        ))
        .expected("every observer to keep waiting for changes until the sender is gone")
        .got(format!(
            "it applied {}",
            show_all(seen.map_or(&[][..], Vec::as_slice))
        ))
        .mistake(OBSERVER_STOPS_EARLY));
    }
    let last = limits[limits.len() - 1];
    for (_, seen) in &outcomes {
        let in_order = seen
            .iter()
            .map(|l| limits.iter().position(|x| x == l))
            .collect::<Option<Vec<usize>>>()
            .is_some_and(|at| at.windows(2).all(|w| w[0] < w[1]));
        if seen.first() == Some(&limits[0]) && seen.last() == Some(&last) && in_order {
            continue;
        }
        let failure = Failure::new(context.clone())
            .expected(format!(
                "first {}, then any of the others in the order sent, none twice, and last {}",
                show(limits[0]),
                show(last)
            ))
            .got(format!("an observer applied {}", show_all(seen)));
        return Err(if seen.first() != Some(&limits[0]) {
            failure.mistake(INITIAL_VALUE_SKIPPED)
        } else {
            failure
        });
    }
    Ok(())
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
