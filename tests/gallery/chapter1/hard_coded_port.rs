//! `hard-coded-port`: connects to the standard Redis port, not to the
//! address it is given. Rejected by `1.1 connects_to_the_address_it_is_given`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

pub async fn hello_redis(_addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
    // 6380, not 6379: chapter 2's gallery listens on 6379 while it runs.
    let mut client = client::connect("127.0.0.1:6380").await?;
    client.set("hello", Bytes::from_static(b"world")).await?;
    client.get("hello").await
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter1::Api for Entry {
    fn hello_redis(
        addr: std::net::SocketAddr,
    ) -> impl std::future::Future<Output = mini_redis::Result<Option<bytes::Bytes>>> {
        hello_redis(addr)
    }
}
