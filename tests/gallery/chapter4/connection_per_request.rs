//! `connection-per-request`: the manager connects anew for every command,
//! so a hundred tasks make a hundred connections (and more).
//! Rejected by `4.1 a_hundred_tasks_share_one_connection`.

use std::net::SocketAddr;

use mini_redis::client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Command;

pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let (sender, mut receiver) = mpsc::channel(32);
    let manager = tokio::spawn(async move {
        while let Some(command) = receiver.recv().await {
            // A fresh connection each time: the one thing a manager is for.
            let Ok(mut client) = client::connect(addr).await else {
                continue;
            };
            match command {
                Command::Get { key, resp } => {
                    let _ = resp.send(client.get(&key).await);
                }
                Command::Set { key, value, resp } => {
                    let _ = resp.send(client.set(&key, value).await);
                }
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
