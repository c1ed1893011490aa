//! `forgotten-await`: the 2.5 fix that made the future `Send` by not
//! awaiting the SET at all — the `Rc` is gone, and so is the greeting.
//! Rejected by `2.5 the_greeting_reaches_the_server`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;

#[allow(
    unused_must_use,
    clippy::let_underscore_future,
    reason = "the mistake this gallery entry carries"
)]
pub async fn save_greeting(addr: SocketAddr, name: String) -> mini_redis::Result<()> {
    let greeting = format!("hello, {name}!");
    let mut client = client::connect(addr).await?;
    // The SET is built, never awaited, and dropped: nothing is sent.
    let _ = client.set(&format!("greeting:{name}"), Bytes::from(greeting));
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
