//! `forgotten-await`: the SET future is built and dropped, never sent.
//! Rejected by `1.1 the_set_reaches_the_server`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

#[allow(unused_must_use, reason = "the mistake this entry exists to show")]
pub async fn hello_redis(addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
    let mut client = client::connect(addr).await?;
    client.set("hello", Bytes::from_static(b"world"));
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
