//! `observer-stops-early`: the observer applies the current limit and the
//! first change, then returns, as if a setting changed only once.
//! Rejected by `4.5 every_observer_ends_with_the_latest_limit`.

use tokio::sync::{mpsc, watch};

pub async fn observe(mut limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) {
    let _ = apply.send(*limit.borrow_and_update()).await;
    if limit.changed().await.is_ok() {
        let _ = apply.send(*limit.borrow_and_update()).await;
    }
}

super::entry_api!(observe = observe);
