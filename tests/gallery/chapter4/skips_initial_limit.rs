//! `initial-value-skipped`: the loop starts by waiting for a change, so
//! the limit the channel already holds is never applied.
//! Rejected by `4.5 an_observer_applies_the_limit_then_waits_for_a_change`.

use tokio::sync::{mpsc, watch};

pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    while limit.changed().await.is_ok() {
        let current = *limit.borrow_and_update();
        if apply.send(current).await.is_err() {
            return;
        }
    }
}

super::entry_api!(observe = observe);
