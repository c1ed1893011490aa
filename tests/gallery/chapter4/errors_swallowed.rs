//! `server-error-swallowed`: the manager turns a failed GET into `None`
//! and ignores a failed SET, so a refused write looks stored.
//! Rejected by `4.1 a_server_error_reaches_only_its_own_caller`.

use std::net::SocketAddr;

use mini_redis::client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Command;

pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let mut client = client::connect(addr).await?;
    let (sender, mut receiver) = mpsc::channel(32);
    let manager = tokio::spawn(async move {
        while let Some(command) = receiver.recv().await {
            match command {
                Command::Get { key, resp } => {
                    let value = client.get(&key).await.unwrap_or(None);
                    let _ = resp.send(Ok(value));
                }
                Command::Set { key, value, resp } => {
                    let _ = client.set(&key, value).await;
                    let _ = resp.send(Ok(()));
                }
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
