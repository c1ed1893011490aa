//! `unbounded-queue`: a channel of a million slots, "so that nobody ever
//! waits" — which is to say, no backpressure.
//! Rejected by `4.1 the_channel_is_bounded_and_fills_while_the_server_stalls`
//! and `4.1 a_send_into_the_full_channel_waits_for_the_manager`.

use std::net::SocketAddr;

use mini_redis::client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Command;

pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let mut client = client::connect(addr).await?;
    let (sender, mut receiver) = mpsc::channel(1 << 20);
    let manager = tokio::spawn(async move {
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
