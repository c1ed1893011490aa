//! `lost-write`: each connection works on a copy of the map, taken when it
//! connects, and writes its copy back after every SET — over everyone
//! else's writes.
//! Rejected by `3.1 fifty_concurrent_clients_lose_no_write`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use mini_redis::Connection;
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    let store: Arc<Mutex<HashMap<String, Bytes>>> = Arc::default();
    loop {
        let (socket, _) = listener.accept().await?;
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            // "Lock once, then work without the lock."
            let mut mine = store.lock().unwrap().clone();
            while let Ok(Some(frame)) = connection.read_frame().await {
                let reply = super::apply(&mut mine, frame);
                *store.lock().unwrap() = mine.clone();
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
