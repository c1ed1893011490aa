//! `stops-when-empty`: the constant follower — it returns an empty record
//! at once, without reading the feed at all.
//! Rejected by `4.4 every_follower_sees_every_change_in_order`.

use tokio::sync::broadcast;

pub async fn follow(changes: broadcast::Receiver<String>) -> (Vec<String>, u64) {
    drop(changes);
    (Vec::new(), 0)
}

super::entry_api!(follow = follow);
