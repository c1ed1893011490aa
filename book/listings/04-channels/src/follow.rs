//! Exercise 4.4: following a feed of changes on a `broadcast` channel.
//!
//! A `broadcast` channel hands every value to every receiver. It keeps only
//! its last `capacity` values, so a receiver that falls further behind
//! loses the oldest ones: its next `recv` says how many, as
//! `RecvError::Lagged(n)`, and the one after that goes on with the oldest
//! value still kept.

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

// ANCHOR: followed
/// What one follower of a feed saw, once the feed closed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Followed {
    /// Every value received, in the order it was sent.
    pub seen: Vec<String>,
    /// How many values this follower missed by lagging behind.
    pub missed: u64,
}
// ANCHOR_END: followed

// ANCHOR: follow
/// Reads the feed `changes` (the keys that changed, as a manager might
/// announce them) until every sender is gone, and returns what it saw.
#[allow(
    unused_mut,
    reason = "exercise 4.4: `recv` needs `changes` to be mutable"
)]
pub async fn follow(mut changes: broadcast::Receiver<String>) -> Followed {
    // Exercise 4.4 — requirements:
    //  1. Loop on `changes.recv().await`, pushing every value received onto
    //     `seen`, in order.
    //  2. On `RecvError::Lagged(n)`, add `n` to `missed` and keep receiving: a lag
    //     is not the end.
    //  3. On `RecvError::Closed`, return what you followed; wait for it, do not
    //     stop when nothing is queued yet.
    // Check your work: cargo test -p chapter-4 -- 4.4
    todo!(
        "4.4: receive from `changes` until it closes; keep every value, count the ones you missed"
    )
}
// ANCHOR_END: follow
