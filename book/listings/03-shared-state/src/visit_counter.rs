//! Exercise 3.6: one connection, many tasks — a lock held across `.await`.
//!
//! A web front end counts page visits. Every request is a task, and all of
//! them share two things: a tally in memory, and one connection to a Redis
//! server that keeps the totals. They need two different locks. The tally
//! is changed in nanoseconds and never across an `.await`: a
//! `std::sync::Mutex`. The connection is used *across* `.await`s — every
//! command is a round trip — and a GET and the SET that follows it must not
//! let another task's commands in between: a `tokio::sync::Mutex`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use mini_redis::client::Client;

// ANCHOR: visit_counter
/// Page visits, counted here and on a Redis server, by many tasks at once.
pub struct VisitCounter {
    /// Visits of each page recorded by this process. Updated without any
    /// `.await` in between: a std mutex, locked for nanoseconds.
    seen: Mutex<HashMap<String, u64>>,
    /// One connection to the Redis server, shared by every task. Its guard
    /// lives across the `.await` of each command: a Tokio mutex.
    redis: tokio::sync::Mutex<Client>,
}

impl VisitCounter {
    /// A counter that keeps its totals on the server `redis` is connected to.
    pub fn new(redis: Client) -> VisitCounter {
        VisitCounter {
            seen: Mutex::default(),
            redis: tokio::sync::Mutex::new(redis),
        }
    }

    /// How many visits of `page` this process has recorded.
    pub fn seen(&self, page: &str) -> u64 {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.get(page).copied().unwrap_or(0)
    }

    /// The total for `page` on the server: every process's visits.
    pub async fn total(&self, page: &str) -> mini_redis::Result<u64> {
        // `lock().await` waits for the lock without blocking the thread;
        // the guard is held across the GET's `.await`, which a Tokio mutex
        // allows and a std one must not.
        let mut redis = self.redis.lock().await;
        let value = redis.get(&visits_key(page)).await?;
        parse_count(value)
    }
}

/// The server's key for a page's total: `visits:{page}`.
fn visits_key(page: &str) -> String {
    format!("visits:{page}")
}

/// Reads a count stored as decimal text; no value at all counts as 0.
///
/// # Errors
/// If the value is not a decimal number.
fn parse_count(value: Option<Bytes>) -> mini_redis::Result<u64> {
    let Some(value) = value else {
        return Ok(0);
    };
    std::str::from_utf8(&value)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| format!("{value:?} is not a count").into())
}
// ANCHOR_END: visit_counter

// ANCHOR: record_visit
/// Records one visit of `page`: adds one to this process's tally and to
/// the total on the server, and returns the server's new total. Many tasks
/// call it at once, on one shared `counter`.
pub async fn record_visit(counter: Arc<VisitCounter>, page: String) -> mini_redis::Result<u64> {
    // Exercise 3.6 — requirements:
    //  1. Add one to `page`'s entry in `counter.seen` (a `std::sync::Mutex`), in a
    //     block of its own that ends before the first `.await`.
    //  2. Lock `counter.redis` (a `tokio::sync::Mutex`: `.lock().await`) and keep
    //     that one guard from the GET of `visits_key(&page)` until its SET is
    //     done.
    //  3. SET the key to the old count (`parse_count`) plus one, and return the
    //     new count.
    // Check your work: cargo test -p chapter-3 -- 3.6
    todo!("3.6: count the visit in `seen`, then add one to the page's total \
        on the server")
}
// ANCHOR_END: record_visit
