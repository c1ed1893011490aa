//! `panic-when-manager-gone`: `set` unwraps the send and the reply, so a
//! stopped manager makes the caller panic.
//! Rejected by `4.3 a_set_errs_when_the_manager_is_gone`.

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
        .send(Command::Set {
            key: key.to_owned(),
            value,
            resp,
        })
        .await
        .unwrap();
    reply.await.unwrap()
}

super::entry_api!(set = set);
