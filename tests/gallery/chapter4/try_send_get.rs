//! `try-send-when-full`: `get` uses `try_send`, which fails at once on a
//! full channel instead of waiting for room.
//! Rejected by `4.2 a_get_waits_for_room_in_a_full_channel`.

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::Command;

pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    let (resp, reply) = oneshot::channel();
    sender
        .try_send(Command::Get {
            key: key.to_owned(),
            resp,
        })
        .map_err(|e| format!("could not queue the command: {e}"))?;
    reply.await.map_err(|_| "the manager has stopped")?
}

super::entry_api!(get = get);
