//! `lost-update`: the connection's lock is taken for the GET and again for
//! the SET, and other tasks' GETs come in between.
//! Rejected by `3.6 fifty_concurrent_visits_are_all_counted`.

use std::sync::Arc;

use bytes::Bytes;

pub use super::VisitCounter;

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

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter3::Api for Entry {
    type Db = ();
    type ShardedDb = ();
    type VisitCounter = super::VisitCounter;
    fn visit_counter(redis: mini_redis::client::Client) -> super::VisitCounter {
        super::VisitCounter::new(redis)
    }
    fn seen(counter: &super::VisitCounter, page: &str) -> u64 {
        counter.seen(page)
    }
    fn record_visit(
        counter: std::sync::Arc<super::VisitCounter>,
        page: String,
    ) -> grader::probe::MaybeSend<mini_redis::Result<u64>> {
        grader::probe!(record_visit(counter, page))
    }
}
