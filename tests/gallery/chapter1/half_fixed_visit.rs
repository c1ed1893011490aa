//! `forgotten-await`, half fixed: the first SET is awaited, the second is
//! still dropped. Rejected by `1.3 the_greeting_reaches_the_server`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

pub use super::elsewhere::{hello_redis, run};

#[allow(unused_must_use, reason = "the mistake this entry exists to show")]
pub async fn record_visit(addr: SocketAddr, name: &str) -> mini_redis::Result<()> {
    let mut client = client::connect(addr).await?;
    client
        .set("last-visitor", Bytes::copy_from_slice(name.as_bytes()))
        .await?;
    let greeting = format!("hello, {name}!");
    client.set(&format!("greeting:{name}"), greeting.into());
    Ok(())
}
