//! `blocking-send-in-async`: `set` puts its command in with
//! `blocking_send`, which Tokio refuses inside a runtime.
//! Rejected by `4.3 a_hundred_concurrent_sets_each_carry_their_key_and_value`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn set(
    sender: &mpsc::Sender<Command>,
    key: &str,
    value: Bytes,
) -> mini_redis::Result<()> {
    let (resp, reply) = oneshot::channel();
    sender
        .blocking_send(Command::Set {
            key: key.to_owned(),
            value,
            resp,
        })
        .map_err(|_| "the manager has stopped")?;
    reply.await.map_err(|_| "the manager has stopped")?
}

super::entry_api!(set = set);
