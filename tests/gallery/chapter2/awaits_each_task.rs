//! `sequential-tasks`: spawns a task and awaits it before the next.
//! Rejected by `2.4 runs_the_tasks_at_the_same_time`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

pub async fn fetch_all(
    addr: SocketAddr,
    keys: Vec<String>,
) -> mini_redis::Result<Vec<Option<Bytes>>> {
    let mut values = Vec::new();
    for key in keys {
        let value = tokio::spawn(async move {
            let mut client = client::connect(addr).await?;
            client.get(&key).await
        })
        .await??;
        values.push(value);
    }
    Ok(values)
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn fetch_all(
        addr: std::net::SocketAddr,
        keys: Vec<String>,
    ) -> impl std::future::Future<Output = mini_redis::Result<Vec<Option<bytes::Bytes>>>> {
        fetch_all(addr, keys)
    }
}
