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
    // exercise: visit-counter
    // The tally first, in a block of its own: the std guard dies at its
    // closing brace, before the first `.await` below. (Held across an
    // `.await`, it would make this future `!Send`, and could block a
    // worker thread while another task on it waits for the same lock.)
    {
        let mut seen = counter.seen.lock().unwrap_or_else(PoisonError::into_inner);
        *seen.entry(page.clone()).or_insert(0) += 1;
    }

    // Then the server. One guard from before the GET until after the SET:
    // no other task's command can come in between, so no two tasks read
    // the same count and write back the same total.
    let key = visits_key(&page);
    let mut redis = counter.redis.lock().await;
    let total = parse_count(redis.get(&key).await?)? + 1;
    redis.set(&key, Bytes::from(total.to_string())).await?;
    Ok(total)
    // end exercise: visit-counter
}
// ANCHOR_END: record_visit
