//! Exercise 4.4: a follower of a `broadcast` feed, fed by the grader.

use tokio::sync::broadcast;

use super::{Api, panic_text, patience, patience_text};
use crate::failure::Failure;
use crate::fixtures::block_on;
use crate::mistakes::{STOPS_ON_LAGGED, STOPS_WHEN_EMPTY};

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
