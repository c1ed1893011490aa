//! `reply-without-asking`: a `get` that answers "no value" without ever
//! asking the manager — the constant answer.
//! Rejected by `4.2 a_get_is_pending_until_the_manager_answers`.

use bytes::Bytes;
use tokio::sync::mpsc;

use super::Command;

pub async fn get(sender: &mpsc::Sender<Command>, key: &str) -> mini_redis::Result<Option<Bytes>> {
    let _ = (sender, key);
    Ok(None)
}

super::entry_api!(get = get);
