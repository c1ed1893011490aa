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
#[allow(
    unused_mut,
    reason = "exercise 4.5: `changed` and `borrow_and_update` need `limit` to be mutable"
)]
pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    // Exercise 4.5 — requirements:
    //  1. Send the value `limit` holds now to `apply`, before waiting for any
    //     change.
    //  2. Then wait with `limit.changed().await` and send the new value; only the
    //     latest counts, a value replaced before you looked is gone.
    //  3. Copy the value out of `borrow_and_update()`
    //     (`let current = *limit.borrow_and_update();`): never keep the borrow
    //     across an `.await`, it blocks the publisher.
    //  4. Never poll for changes yourself (`borrow()` or `has_changed()` with
    //     `yield_now` or `sleep`): `changed().await` waits without using the CPU.
    //  5. Return once `changed()` says the publisher is gone (`Err`), or `apply`'s
    //     receiver is.
    // Check your work: cargo test -p chapter-4 -- 4.5
    todo!(
        "4.5: send the current limit to `apply`, then each new one as it changes, until the publisher is gone"
    )
}
// ANCHOR_END: observe
