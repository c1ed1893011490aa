//! `observer-outlives-publisher`: the result of `changed()` is ignored, so
//! once the publisher is gone the loop goes round for ever, applying the
//! last limit again and again; it would end only if `apply` closed.
//! Rejected by `4.5 an_observer_applies_the_limit_then_waits_for_a_change`.

use tokio::sync::{mpsc, watch};

pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    loop {
        let current = *limit.borrow_and_update();
        if apply.send(current).await.is_err() {
            return;
        }
        let _ = limit.changed().await;
    }
}

super::entry_api!(observe = observe);
