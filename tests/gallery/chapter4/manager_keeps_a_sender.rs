//! `manager-keeps-a-sender`: the manager's task keeps a clone of the
//! sender ("to send itself commands later"), so `recv()` never returns
//! `None` and the task never ends.
//! Rejected by `4.1 the_manager_ends_when_every_sender_is_dropped`.

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
    let own = sender.clone();
    let manager = tokio::spawn(async move {
        let _keep = own;
        while let Some(command) = receiver.recv().await {
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
