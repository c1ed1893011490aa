//! `panic-on-unknown`: an unknown command panics — with the store's guard
//! alive, so the lock is poisoned too.
//! Rejected by `3.1 an_unknown_command_gets_an_error_and_the_connection_lives`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    let store: Arc<Mutex<HashMap<String, Bytes>>> = Arc::default();
    loop {
        let (socket, _) = listener.accept().await?;
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(frame)) = connection.read_frame().await {
                let reply = {
                    let mut map = store.lock().unwrap();
                    match Command::from_frame(frame) {
                        Ok(Command::Set(cmd)) => {
                            map.insert(cmd.key().to_owned(), cmd.value().clone());
                            Frame::Simple("OK".into())
                        }
                        Ok(Command::Get(cmd)) => {
                            map.get(cmd.key()).cloned().map_or(Frame::Null, Frame::Bulk)
                        }
                        _ => unimplemented!("only GET and SET"),
                    }
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

impl grader::chapters::chapter3::Api for Entry {
    type Db = ();
    type ShardedDb = ();
    type VisitCounter = ();
    fn serve(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve(listener)
    }
}
