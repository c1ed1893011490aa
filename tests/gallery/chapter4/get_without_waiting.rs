//! `reply-not-awaited`: half the work — `get` sends its command, then
//! returns `Ok(None)` without waiting for the manager's answer.
//! Rejected by `4.2 a_get_is_pending_until_the_manager_answers`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    let (resp, _reply) = oneshot::channel();
    sender
        .send(Command::Get {
            key: key.to_owned(),
            resp,
        })
        .await
        .map_err(|_| "the manager has stopped")?;
    Ok(None)
}

super::entry_api!(get = get);
