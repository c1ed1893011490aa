//! `reply-send-unwrapped`: `resp.send(…).unwrap()` — the first caller
//! that gives up on its answer takes the manager down.
//! Rejected by `4.1 a_dropped_reply_receiver_does_not_stop_the_manager`.

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
                    resp.send(client.get(&key).await).unwrap();
                }
                Command::Set { key, value, resp } => {
                    resp.send(client.set(&key, value).await).unwrap();
                }
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
