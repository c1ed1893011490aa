//! Exercise 4.5: observing a setting on a `watch` channel.
//!
//! A `watch` channel holds one value, the latest, and tells its receivers
//! when it changes. A receiver that looks late sees only the newest value:
//! what was published in between is gone, which is exactly right for a
//! setting, where only the current one matters.

use tokio::sync::{mpsc, watch};

// ANCHOR: observe
/// Applies the server's `maxmemory` limit, as published on `limit`: the
/// current value at once, then each new one as it changes, by sending it
/// to `apply` (in a real program, the task that enforces the limit).
/// Returns once the publisher is gone, or once nobody takes what it sends.
pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    // exercise: observe
    loop {
        // Copy the value out and let the guard go at the end of this
        // statement: while a `watch::Ref` is alive it holds the channel's
        // read lock, and the publisher's `send` cannot take the write lock.
        // `borrow_and_update` also marks the value seen, so the
        // `changed()` below waits for a newer one.
        let current = *limit.borrow_and_update();
        if apply.send(current).await.is_err() {
            return;
        }
        // Pending, without using any CPU, until the next `send`. `Err`
        // means every sender is gone; an unseen last value is reported
        // as `Ok` first, so the final setting is never missed.
        if limit.changed().await.is_err() {
            return;
        }
    }
    // end exercise: observe
}
// ANCHOR_END: observe
