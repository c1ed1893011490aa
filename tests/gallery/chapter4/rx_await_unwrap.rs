//! `panic-when-manager-gone`: `get` unwraps the reply receiver, so a
//! manager that drops the command unanswered makes the caller panic.
//! Rejected by `4.2 a_get_errs_when_the_manager_is_gone`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    let (resp, reply) = oneshot::channel();
    sender
        .send(Command::Get {
            key: key.to_owned(),
            resp,
        })
        .await
        .map_err(|_| "the manager has stopped")?;
    reply.await.unwrap()
}

super::entry_api!(get = get);
