//! `blocking-send-in-async`: `get` puts its command in with
//! `blocking_send`, which Tokio refuses inside a runtime.
//! Rejected by `4.2 a_hundred_concurrent_gets_each_get_their_own_answer`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    let (resp, reply) = oneshot::channel();
    sender
        .blocking_send(Command::Get {
            key: key.to_owned(),
            resp,
        })
        .map_err(|_| "the manager has stopped")?;
    reply.await.map_err(|_| "the manager has stopped")?
}

super::entry_api!(get = get);
