//! `get-before-set`: reads the key before writing it, and returns the
//! (empty) read. Rejected by `1.1 get_returns_world`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

pub use super::elsewhere::{record_visit, run};

pub async fn hello_redis(addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
    let mut client = client::connect(addr).await?;
    let value = client.get("hello").await?;
    client.set("hello", Bytes::from_static(b"world")).await?;
    Ok(value)
}
