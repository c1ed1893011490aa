//! `not-send`: the 2.5 stub with its `todo!` replaced and the `Rc` kept.
//! Rejected by `2.5 the_greeting_task_is_send`.

use std::net::SocketAddr;
use std::rc::Rc;

use bytes::Bytes;
use mini_redis::client;

pub use super::elsewhere::{fetch_all, reply_with_errors, serve, serve_concurrently};

pub async fn save_greeting(addr: SocketAddr, name: String) -> mini_redis::Result<()> {
    let greeting = Rc::new(format!("hello, {name}!"));
    let mut client = client::connect(addr).await?;
    client
        .set(
            &format!("greeting:{name}"),
            Bytes::from(greeting.to_string()),
        )
        .await?;
    Ok(())
}
