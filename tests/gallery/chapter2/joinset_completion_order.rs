//! `completion-order`: a `JoinSet` hands results back as tasks finish.
//! Rejected by `2.4 returns_values_in_the_order_of_the_keys`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;
use tokio::task::JoinSet;

pub async fn fetch_all(
    addr: SocketAddr,
    keys: Vec<String>,
) -> mini_redis::Result<Vec<Option<Bytes>>> {
    let mut tasks = JoinSet::new();
    for key in keys {
        tasks.spawn(async move {
            let mut client = client::connect(addr).await?;
            client.get(&key).await
        });
    }
    let mut values = Vec::new();
    while let Some(result) = tasks.join_next().await {
        values.push(result??);
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
