//! Exercise 4.4: following a feed of changes on a `broadcast` channel.
//!
//! A `broadcast` channel hands every value to every receiver. It keeps only
//! its last `capacity` values, so a receiver that falls further behind
//! loses the oldest ones: its next `recv` says how many, as
//! `RecvError::Lagged(n)`, and the one after that goes on with the oldest
//! value still kept.

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError; // exercise: follow

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
pub async fn follow(mut changes: broadcast::Receiver<String>) -> Followed {
    // exercise: follow
    let mut followed = Followed::default();
    loop {
        match changes.recv().await {
            Ok(key) => followed.seen.push(key),
            // Fell behind: `n` values are gone for good. Count them and
            // carry on — the next `recv` returns the oldest value kept.
            Err(RecvError::Lagged(n)) => followed.missed += n,
            // Every sender dropped and every kept value read: the end.
            Err(RecvError::Closed) => return followed,
        }
    }
    // end exercise: follow
}
// ANCHOR_END: follow
