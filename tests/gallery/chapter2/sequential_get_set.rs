//! `sequential-server` in 2.3: GET and SET, one client at a time.
//! Rejected by `2.3 an_idle_client_does_not_block_others`.

use std::collections::HashMap;

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    let mut store = HashMap::new();
    loop {
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);
        while let Ok(Some(frame)) = connection.read_frame().await {
            let reply = super::get_or_set(&mut store, frame)
                .unwrap_or_else(|| Frame::Error("ERR unknown command".into()));
            connection.write_frame(&reply).await?;
        }
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
