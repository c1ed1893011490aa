//! `stops-when-empty`: the follower drains the feed with `try_recv` and
//! returns at the first `Empty`, long before the feed closes.
//! Rejected by `4.4 every_follower_sees_every_change_in_order`.

use tokio::sync::broadcast::{self, error::TryRecvError};

pub async fn follow(mut changes: broadcast::Receiver<String>) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    let mut missed = 0;
    loop {
        match changes.try_recv() {
            Ok(key) => seen.push(key),
            Err(TryRecvError::Lagged(n)) => missed += n,
            Err(_) => return (seen, missed),
        }
    }
}

super::entry_api!(follow = follow);
