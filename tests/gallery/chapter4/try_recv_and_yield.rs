//! `channel-polled-in-a-loop`: the follower asks the feed with `try_recv`
//! and, when it is empty, yields and asks again. It gets every value, and
//! wakes up over and over while nothing is sent.
//! Rejected by `4.4 a_follower_waits_for_each_value_until_the_feed_closes`.

use tokio::sync::broadcast::{self, error::TryRecvError};

pub async fn follow(mut changes: broadcast::Receiver<String>) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    let mut missed = 0;
    loop {
        match changes.try_recv() {
            Ok(key) => seen.push(key),
            Err(TryRecvError::Lagged(n)) => missed += n,
            Err(TryRecvError::Empty) => tokio::task::yield_now().await,
            Err(TryRecvError::Closed) => return (seen, missed),
        }
    }
}

super::entry_api!(follow = follow);
