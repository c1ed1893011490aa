//! `manager-dies-with-server`: the manager unwraps the client's result,
//! so the first error from a server that went away is a panic, and every
//! queued command is dropped unanswered.
//! Rejected by `4.1 every_waiting_caller_gets_an_error_when_the_server_dies`.

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
                    let value = client.get(&key).await.unwrap();
                    let _ = resp.send(Ok(value));
                }
                Command::Set { key, value, resp } => {
                    client.set(&key, value).await.unwrap();
                    let _ = resp.send(Ok(()));
                }
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
