//! `error-to-wrong-caller`: the manager takes commands in batches and,
//! "all or nothing", answers every command of a batch with the first
//! error any of them got.
//! Rejected by `4.1 a_server_error_reaches_only_its_own_caller`.

use std::net::SocketAddr;

use bytes::Bytes;
use mini_redis::client;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::Command;

enum Done {
    Get(
        oneshot::Sender<mini_redis::Result<Option<Bytes>>>,
        mini_redis::Result<Option<Bytes>>,
    ),
    Set(
        oneshot::Sender<mini_redis::Result<()>>,
        mini_redis::Result<()>,
    ),
}

pub async fn start(
    addr: SocketAddr,
) -> mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)> {
    let mut client = client::connect(addr).await?;
    let (sender, mut receiver) = mpsc::channel(32);
    let manager = tokio::spawn(async move {
        let mut batch = Vec::new();
        while receiver.recv_many(&mut batch, 8).await > 0 {
            let mut first_error = None;
            let mut done = Vec::new();
            for command in batch.drain(..) {
                match command {
                    Command::Get { key, resp } => {
                        let result = client.get(&key).await;
                        if let Err(e) = &result {
                            first_error.get_or_insert(e.to_string());
                        }
                        done.push(Done::Get(resp, result));
                    }
                    Command::Set { key, value, resp } => {
                        let result = client.set(&key, value).await;
                        if let Err(e) = &result {
                            first_error.get_or_insert(e.to_string());
                        }
                        done.push(Done::Set(resp, result));
                    }
                }
            }
            for reply in done {
                match (reply, &first_error) {
                    (Done::Get(resp, _), Some(e)) => drop(resp.send(Err(e.clone().into()))),
                    (Done::Set(resp, _), Some(e)) => drop(resp.send(Err(e.clone().into()))),
                    (Done::Get(resp, result), None) => drop(resp.send(result)),
                    (Done::Set(resp, result), None) => drop(resp.send(result)),
                }
            }
        }
    });
    Ok((sender, manager))
}

super::entry_api!(start = start);
