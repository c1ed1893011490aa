//! `lock-across-await`: the lock taken once per connection and held while
//! the task waits for the next command.
//! Rejected by `3.1 an_idle_client_does_not_block_others`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use mini_redis::Connection;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

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
