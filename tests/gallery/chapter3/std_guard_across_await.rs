//! `guard-across-await`: the tally's std guard is still alive when the
//! task awaits the connection, so the future is not `Send`.
//! Rejected by `3.6 record_visit_runs_as_a_spawned_task`.

use std::sync::Arc;

use bytes::Bytes;

pub use super::VisitCounter;
pub use super::elsewhere::{Db, ShardedDb, serve, serve_sharded};

#[allow(
    clippy::await_holding_lock,
    reason = "the mistake this gallery entry carries"
)]
pub async fn record_visit(counter: Arc<VisitCounter>, page: String) -> mini_redis::Result<u64> {
    let mut seen = counter.seen.lock().unwrap();
    *seen.entry(page.clone()).or_insert(0) += 1;
    let key = format!("visits:{page}");
    let mut redis = counter.redis.lock().await;
    let total = super::parse_count(redis.get(&key).await?)? + 1;
    redis.set(&key, Bytes::from(total.to_string())).await?;
    Ok(total)
}
