//! Exercise 4.4: a follower of a `broadcast` feed, fed by the grader.

use std::task::Poll;

use tokio::sync::broadcast;

use super::requests::{poll_once, runtime};
use super::{Api, panic_text, patience, patience_text, quiet, woke_by_itself};
use crate::failure::Failure;
use crate::fixtures::block_on;
use crate::mistakes::{CHANNEL_POLLED_IN_A_LOOP, STOPS_ON_LAGGED, STOPS_WHEN_EMPTY};

/// How many followers read the feed at once.
const FOLLOWERS: usize = 3;

/// What a follower returned, or why it returned nothing.
type Followed = Result<(Vec<String>, u64), String>;

fn show(followed: &Followed) -> String {
    match followed {
        Ok((seen, missed)) => format!("seen = {seen:?}, missed = {missed}"),
        Err(e) => e.clone(),
    }
}

/// Three followers on one feed (capacity 16). The grader sends five
/// seeded keys, waits until every follower has read them (and found the
/// feed empty), sends five more, and closes the feed: each follower must
/// return all ten, in order, with nothing missed. Catches a follower that
/// stops when nothing is queued (`try_recv`) and one that keeps only some
/// values.
pub fn every_follower_sees_every_change_in_order<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let keys: Vec<String> = (0..10).map(|i| format!("{}:{i}", rng.key())).collect();
    let (followed, drained) = block_on(tokio::task::LocalSet::new().run_until(async {
        let (sender, _) = broadcast::channel(16);
        let followers: Vec<_> = (0..FOLLOWERS)
            .map(|_| tokio::task::spawn_local(A::follow(sender.subscribe())))
            .collect();
        for key in &keys[..5] {
            let _ = sender.send(key.clone());
        }
        // Until every follower has read the first five: then each is
        // waiting on an open, empty feed.
        let drained = tokio::time::timeout(patience(), async {
            while !sender.is_empty() {
                tokio::task::yield_now().await;
            }
        })
        .await
        .is_ok();
        for key in &keys[5..] {
            let _ = sender.send(key.clone());
        }
        drop(sender);
        let mut followed = Vec::with_capacity(FOLLOWERS);
        for follower in followers {
            followed.push(match tokio::time::timeout(patience(), follower).await {
                Ok(Ok(output)) => Ok(output),
                Ok(Err(e)) if e.is_panic() => {
                    Err(format!("a panic: {}", panic_text(&*e.into_panic())))
                }
                Ok(Err(e)) => Err(format!("nothing: the task failed ({e})")),
                Err(_) => Err(format!(
                    "nothing within {} of the feed closing",
                    patience_text()
                )),
            });
        }
        (followed, drained)
    }));
    let want = Ok((keys.clone(), 0));
    let Some(wrong) = followed.iter().find(|f| **f != want) else {
        return Ok(());
    };
    let failure = Failure::new(format!(
        "{FOLLOWERS} followers read one feed; the grader sent 5 keys, waited for every follower \
         to read them, sent 5 more and closed the feed. A follower returned {}.",
        show(wrong)
    ))
    .expected(format!("seen = {keys:?}, missed = 0"));
    match wrong {
        Ok((seen, 0)) if drained && seen.len() < keys.len() && keys.starts_with(seen) => {
            Err(failure.mistake(STOPS_WHEN_EMPTY))
        }
        _ => Err(failure),
    }
}

/// A follower subscribes to a feed of capacity 4, and ten seeded keys are
/// sent (and the feed closed) before it reads anything: it must report
/// the six it lost as missed, and still return the last four, in order.
/// Catches `while let Ok(..) = recv().await` and an `unwrap` on `recv`,
/// which stop at the `Lagged` error.
pub fn a_lagging_follower_counts_what_it_missed_and_continues<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let keys: Vec<String> = (0..10).map(|i| format!("{}:{i}", rng.key())).collect();
    let followed: Followed = block_on(tokio::task::LocalSet::new().run_until(async {
        let (sender, receiver) = broadcast::channel(4);
        for key in &keys {
            let _ = sender.send(key.clone());
        }
        drop(sender);
        let follower = tokio::task::spawn_local(A::follow(receiver));
        match tokio::time::timeout(patience(), follower).await {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(e)) if e.is_panic() => Err(format!("a panic: {}", panic_text(&*e.into_panic()))),
            Ok(Err(e)) => Err(format!("nothing: the task failed ({e})")),
            Err(_) => Err(format!("nothing within {}", patience_text())),
        }
    }));
    let last = keys[6..].to_vec();
    if followed == Ok((last.clone(), 6)) {
        return Ok(());
    }
    let failure = Failure::new(format!(
        "Ten keys went into a feed of capacity 4 before the follower read any, then the feed \
         closed. The follower returned {}.",
        show(&followed)
    ))
    .expected(format!(
        "missed = 6 (one Lagged(6)), then seen = {last:?}: the four the feed still kept"
    ));
    let stopped = match &followed {
        Ok((seen, _)) => seen.is_empty(),
        Err(e) => e.contains("Lagged"),
    };
    Err(if stopped {
        failure.mistake(STOPS_ON_LAGGED)
    } else {
        failure
    })
}

/// Poll by poll, on a feed of capacity 16: the follower is pending with
/// nothing sent, and is not woken; a send wakes it, and once it has taken
/// the value it is pending again (the feed is empty, not closed); two
/// more sends and it is still pending; only when the sender is dropped is
/// it ready, with the three keys and nothing missed. Catches a follower
/// that checks the feed with `try_recv` and yields in a loop instead of
/// awaiting `recv()`, and one that returns when the feed is empty.
pub fn a_follower_waits_for_each_value_until_the_feed_closes<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let keys: Vec<String> = (0..3).map(|i| format!("{}:{i}", rng.key())).collect();
    let runtime = runtime()?;
    let _context = runtime.enter();
    let (sender, receiver) = broadcast::channel(16);
    let mut task = tokio_test::task::spawn(A::follow(receiver));
    let pending = |task: &mut tokio_test::task::Spawn<_>, when: &str| match poll_once(task) {
        Ok(Poll::Pending) => Ok(()),
        Ok(Poll::Ready(followed)) => Err(Failure::new(format!(
            "Your follower returned {}, {when}, while the feed was still open.",
            show(&Ok(followed))
        ))
        .expected("pending: `recv().await` waits for the next value")
        .mistake(STOPS_WHEN_EMPTY)),
        Err(message) => Err(Failure::new(format!(
            "Your follower panicked {when}: {message}"
        ))),
    };

    pending(&mut task, "at its first poll, with nothing sent yet")?;
    if woke_by_itself(&task) {
        return Err(Failure::new(format!(
            "Nothing was sent, yet your pending follower was woken again within {}.",
            crate::harness::runner::seconds(quiet())
        ))
        .expected("pending, not woken, until a `send`: `recv().await` waits")
        .mistake(CHANNEL_POLLED_IN_A_LOOP));
    }
    let _ = sender.send(keys[0].clone());
    if !task.is_woken() {
        return Err(Failure::new(format!(
            "The grader sent {:?}, and your pending follower was not woken.",
            keys[0]
        ))
        .expected("the `send` to wake the follower waiting in `recv().await`"));
    }
    pending(
        &mut task,
        &format!("after taking {:?}, the only value sent so far", keys[0]),
    )?;
    if !sender.is_empty() {
        return Err(Failure::new(format!(
            "The grader sent {:?} and polled your follower, which did not take it.",
            keys[0]
        ))
        .expected("the value received when the follower is polled after the send"));
    }
    let _ = sender.send(keys[1].clone());
    let _ = sender.send(keys[2].clone());
    pending(&mut task, "after taking two more values")?;
    drop(sender);
    if !task.is_woken() {
        return Err(Failure::new(
            "The grader dropped the feed's only sender, and your pending follower was not woken.",
        )
        .expected("the closed feed to wake the follower waiting in `recv().await`"));
    }
    let want = Ok((keys.clone(), 0));
    let followed: Followed = match poll_once(&mut task) {
        Ok(Poll::Ready(followed)) => Ok(followed),
        Ok(Poll::Pending) => {
            return Err(Failure::new(
                "The feed was closed (its only sender dropped), and your follower was still \
                 pending.",
            )
            .expected("ready: `recv()` returns `Err(RecvError::Closed)` once the feed closes"));
        }
        Err(message) => Err(format!("a panic: {message}")),
    };
    if followed == want {
        return Ok(());
    }
    Err(Failure::new(format!(
        "The grader sent three keys, one at a time, polling your follower in between, then \
         closed the feed. It returned {}.",
        show(&followed)
    ))
    .expected(format!("seen = {keys:?}, missed = 0")))
}
