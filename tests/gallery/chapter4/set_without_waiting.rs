//! `reply-not-awaited`: `set` sends its command and returns `Ok(())` at
//! once — "a SET has nothing to return anyway".
//! Rejected by `4.3 a_set_is_pending_until_the_manager_answers`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn set(
    sender: &mpsc::Sender<Command>,
    key: &str,
    value: Bytes,
) -> mini_redis::Result<()> {
    let (resp, _reply) = oneshot::channel();
    sender
        .send(Command::Set {
            key: key.to_owned(),
            value,
            resp,
        })
        .await
        .map_err(|_| "the manager has stopped")?;
    Ok(())
}

super::entry_api!(set = set);
