//! `forgotten-await` in exercise 1.3: the stub with its `todo!` removed but
//! the bug left in. Rejected by `1.3 the_visitor_reaches_the_server`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

#[allow(unused_must_use, reason = "the mistake this entry exists to show")]
pub async fn record_visit(addr: SocketAddr, name: &str) -> mini_redis::Result<()> {
    let mut client = client::connect(addr).await?;
    client.set("last-visitor", Bytes::copy_from_slice(name.as_bytes()));
    let greeting = format!("hello, {name}!");
    client.set(&format!("greeting:{name}"), greeting.into());
    Ok(())
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter1::Api for Entry {
    fn record_visit(
        addr: std::net::SocketAddr,
        name: &str,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        record_visit(addr, name)
    }
}
