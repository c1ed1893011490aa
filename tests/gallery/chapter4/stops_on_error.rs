//! `manager-stops-on-error`: the manager takes an error reply for a broken
//! connection, passes it on, and stops: every later command is dropped.
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
            let failed = match command {
                Command::Get { key, resp } => {
                    let result = client.get(&key).await;
                    let failed = result.is_err();
                    let _ = resp.send(result);
                    failed
                }
                Command::Set { key, value, resp } => {
                    let result = client.set(&key, value).await;
                    let failed = result.is_err();
                    let _ = resp.send(result);
                    failed
                }
            };
            // "The connection must be broken": it is not.
            if failed {
                break;
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
