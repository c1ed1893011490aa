//! `not-send`: the 2.5 stub with its `todo!` replaced and the `Rc` kept.
//! Rejected by `2.5 the_greeting_task_is_send`.

use std::net::SocketAddr;
use std::rc::Rc;

use bytes::Bytes;
use mini_redis::client;

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

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn save_greeting(
        addr: std::net::SocketAddr,
        name: String,
    ) -> grader::probe::MaybeSend<mini_redis::Result<()>> {
        grader::probe!(save_greeting(addr, name))
    }
}
