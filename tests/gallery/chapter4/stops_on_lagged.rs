//! `stops-on-lagged`: `while let Ok(…) = changes.recv().await` ends at
//! the first `Lagged`, as if the feed had closed.
//! Rejected by `4.4 a_lagging_follower_counts_what_it_missed_and_continues`.

use tokio::sync::broadcast;

pub async fn follow(mut changes: broadcast::Receiver<String>) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    while let Ok(key) = changes.recv().await {
        seen.push(key);
    }
    (seen, 0)
}

super::entry_api!(follow = follow);
