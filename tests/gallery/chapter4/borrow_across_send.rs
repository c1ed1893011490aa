//! `borrow-held-across-await`: the `watch::Ref` is kept in a block that
//! also awaits `apply.send(…)`, so while `apply` is full the observer
//! holds the channel's read lock, and the publisher's `send` blocks.
//! Rejected by `4.5 publishing_never_waits_for_an_observer`.

use tokio::sync::{mpsc, watch};

pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    loop {
        {
            let current = limit.borrow_and_update();
            if apply.send(*current).await.is_err() {
                return;
            }
        }
        if limit.changed().await.is_err() {
            return;
        }
    }
}

super::entry_api!(observe = observe);
