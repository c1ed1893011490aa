//! `lost-update`: the connection's lock is taken for the GET and again for
//! the SET, and other tasks' GETs come in between.
//! Rejected by `3.6 fifty_concurrent_visits_are_all_counted`.

use std::sync::Arc;

use bytes::Bytes;

pub use super::VisitCounter;
pub use super::elsewhere::{Db, ShardedDb, serve, serve_sharded};

pub async fn record_visit(counter: Arc<VisitCounter>, page: String) -> mini_redis::Result<u64> {
    {
        let mut seen = counter.seen.lock().unwrap();
        *seen.entry(page.clone()).or_insert(0) += 1;
    }
    let key = format!("visits:{page}");
    let count = counter.redis.lock().await.get(&key).await?;
    let total = super::parse_count(count)? + 1;
    counter
        .redis
        .lock()
        .await
        .set(&key, Bytes::from(total.to_string()))
        .await?;
    Ok(total)
}
