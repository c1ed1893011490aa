//! `lock-across-await`: the lock taken once per connection and held while
//! the task waits for the next command.
//! Rejected by `3.1 an_idle_client_does_not_block_others`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use mini_redis::Connection;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

pub use super::elsewhere::{Db, ShardedDb, VisitCounter, record_visit, serve_sharded};

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    let store: Arc<Mutex<HashMap<String, Bytes>>> = Arc::default();
    loop {
        let (socket, _) = listener.accept().await?;
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            let mut map = store.lock().await;
            while let Ok(Some(frame)) = connection.read_frame().await {
                let reply = super::apply(&mut map, frame);
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
}
