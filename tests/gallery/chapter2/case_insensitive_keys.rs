//! `keys-case-folded`: "Redis commands are case-insensitive", so this
//! server lower-cases keys too, and `User:1` and `user:1` share a value.
//! Rejected by `2.3 random_sessions_match_the_model`; the hand-written
//! 2.3 checks never use two keys that differ only in case.

use std::collections::HashMap;

use bytes::Bytes;
use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            let mut store: HashMap<String, Bytes> = HashMap::new();
            while let Ok(Some(frame)) = connection.read_frame().await {
                let reply = match Command::from_frame(frame) {
                    Ok(Command::Set(cmd)) => {
                        store.insert(cmd.key().to_lowercase(), cmd.value().clone());
                        Frame::Simple("OK".into())
                    }
                    Ok(Command::Get(cmd)) => store
                        .get(&cmd.key().to_lowercase())
                        .map_or(Frame::Null, |v| Frame::Bulk(v.clone())),
                    _ => Frame::Error("ERR unknown command".into()),
                };
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn serve(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve(listener)
    }
}
