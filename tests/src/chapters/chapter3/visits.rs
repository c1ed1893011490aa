//! Exercise 3.6: one connection shared by many spawned tasks, graded by
//! effect on a Redis fixture.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::Api;
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::{RedisFixture, block_on};
use crate::mistakes::{GUARD_ACROSS_AWAIT, LOST_UPDATE};
use crate::probe::MaybeSend;

// ---------------------------------------------------------------------------
// 3.6 One connection, many tasks

/// How long the visits may take before a check gives up on them.
fn visit_timeout() -> Duration {
    crate::harness::scaled(Duration::from_secs(5))
}
/// How many tasks record a visit at once.
const VISITS: u64 = 50;

/// Connects the counter's shared client to the fixture.
async fn counter_client(addr: SocketAddr) -> Result<mini_redis::client::Client, Failure> {
    mini_redis::client::connect(addr)
        .await
        .map_err(|e| Failure::new(format!("The grader could not connect to its server: {e}")))
}

fn not_send() -> Failure {
    Failure::new("record_visit's future is not Send: `tokio::spawn` would refuse it.")
        .expected("a future that is Send, so request tasks can run it on any worker thread")
        .mistake(GUARD_ACROSS_AWAIT)
}

/// What the server holds under `key`, as text for a message.
fn held(redis: &RedisFixture, key: &str) -> Result<Option<Bytes>, Failure> {
    redis
        .get(key)
        .map_err(|e| Failure::new(format!("The grader could not check the server: {e}")))
}

fn show_held(value: Option<&Bytes>) -> String {
    value.map_or("(nothing)".to_owned(), |v| describe_bytes(v))
}

/// `record_visit` runs in a spawned task — its future is `Send` — and one
/// visit counts once: it returns 1, `seen` says 1, and the server holds
/// `visits:home` = 1. Catches a std `MutexGuard` alive across an `.await`.
pub fn record_visit_runs_as_a_spawned_task<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (returned, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let returned = match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
            MaybeSend::Send(visit) => {
                match tokio::time::timeout(visit_timeout(), tokio::spawn(visit)).await {
                    Ok(Ok(Ok(total))) => format!("Ok({total})"),
                    Ok(Ok(Err(e))) => format!("Err({e})"),
                    Ok(Err(e)) => format!("nothing: the task failed ({e})"),
                    Err(_) => format!(
                        "nothing within {}",
                        crate::harness::runner::seconds(visit_timeout())
                    ),
                }
            }
            MaybeSend::NotSend(visit) => {
                // Run it here first: if it is the stub, its `todo!()` speaks.
                let _ = tokio::time::timeout(visit_timeout(), visit).await;
                return Err(not_send());
            }
        };
        Ok::<_, Failure>((returned, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    if returned == "Ok(1)" && seen == 1 && total.as_deref() == Some(b"1".as_slice()) {
        return Ok(());
    }
    Err(Failure::new("One visit of \"home\", recorded by a spawned task, was not counted once.")
        .sent(redis.sent())
        .received(redis.received())
        .expected("record_visit returns Ok(1); seen(\"home\") is 1; the server holds visits:home = \"1\"")
        .got(format!(
            "record_visit returned {returned}; seen(\"home\") is {seen}; the server holds \
             visits:home = {}",
            show_held(total.as_ref())
        )))
}

/// Fifty spawned tasks record a visit of the same page at once, through
/// one shared connection: the server's total is 50, the totals returned
/// are 1 to 50, and the tally in memory is 50. Catches a Tokio lock that
/// is let go between the GET and the SET.
pub fn fifty_concurrent_visits_are_all_counted<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (mut totals, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let mut tasks = Vec::new();
        for _ in 0..VISITS {
            match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
                MaybeSend::Send(visit) => tasks.push(tokio::spawn(visit)),
                MaybeSend::NotSend(visit) => {
                    let _ = tokio::time::timeout(visit_timeout(), visit).await;
                    return Err(not_send());
                }
            }
        }
        let mut totals = Vec::with_capacity(tasks.len());
        for task in tasks {
            match tokio::time::timeout(visit_timeout(), task).await {
                Ok(Ok(Ok(total))) => totals.push(total),
                Ok(Ok(Err(e))) => {
                    return Err(Failure::new(format!(
                        "A visit's record_visit returned Err({e})."
                    )));
                }
                Ok(Err(e)) => return Err(Failure::new(format!("A visit's task failed: {e}"))),
                Err(_) => {
                    return Err(Failure::new(format!(
                        "{VISITS} visits at once did not finish within {}.",
                        crate::harness::runner::seconds(visit_timeout())
                    )));
                }
            }
        }
        Ok::<_, Failure>((totals, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    totals.sort_unstable();
    let expected: Vec<u64> = (1..=VISITS).collect();
    if total.as_deref() != Some(VISITS.to_string().as_bytes()) || totals != expected {
        totals.dedup();
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\" at the same time; the server \
             holds visits:home = {}.",
            show_held(total.as_ref())
        ))
        .expected(format!(
            "visits:home = \"{VISITS}\", and each task's record_visit returning a different \
             total, 1 to {VISITS}"
        ))
        .got(format!(
            "totals returned: {} different, the highest {}",
            totals.len(),
            totals.last().copied().unwrap_or(0)
        ))
        .mistake(LOST_UPDATE));
    }
    if seen != VISITS {
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\"; seen(\"home\") is {seen}."
        ))
        .expected(format!(
            "{VISITS}: every visit counted in this process's tally as well"
        )));
    }
    Ok(())
}
