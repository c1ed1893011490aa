//! `channel-polled-in-a-loop`: the observer checks the value itself, over
//! and over, yielding in between, instead of awaiting `changed()`.
//! Rejected by `4.5 an_observer_applies_the_limit_then_waits_for_a_change`.

use tokio::sync::{mpsc, watch};

pub async fn observe(limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    let mut last = None;
    loop {
        if limit.has_changed().is_err() {
            return;
        }
        let current = *limit.borrow();
        if last != Some(current) {
            if apply.send(current).await.is_err() {
                return;
            }
            last = Some(current);
        }
        tokio::task::yield_now().await;
    }
}

super::entry_api!(observe = observe);
