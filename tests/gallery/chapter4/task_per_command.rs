//! `unbounded-queue`: the manager spawns a task for every command, "so it
//! is never blocked", and the tasks take turns on the client behind a
//! lock. The channel is bounded, but it never fills: the commands pile up
//! as tasks instead.
//! Rejected by `4.1 the_channel_is_bounded_and_fills_while_the_server_stalls`.

use std::net::SocketAddr;
use std::sync::Arc;

use mini_redis::client;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

use super::Command;

pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let client = Arc::new(Mutex::new(client::connect(addr).await?));
    let (sender, mut receiver) = mpsc::channel(32);
    let manager = tokio::spawn(async move {
        while let Some(command) = receiver.recv().await {
            let client = Arc::clone(&client);
            tokio::spawn(async move {
                let mut client = client.lock().await;
                match command {
                    Command::Get { key, resp } => {
                        let _ = resp.send(client.get(&key).await);
                    }
                    Command::Set { key, value, resp } => {
                        let _ = resp.send(client.set(&key, value).await);
                    }
                }
            });
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
