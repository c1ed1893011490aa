//! `accepts-once`: serves the first client and returns.
//! Rejected by `2.1 serves_the_next_client_after_one_leaves`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    let (socket, _) = listener.accept().await?;
    let mut connection = Connection::new(socket);
    while let Ok(Some(_)) = connection.read_frame().await {
        connection
            .write_frame(&Frame::Error("ERR no".into()))
            .await?;
    }
    Ok(())
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn reply_with_errors(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        reply_with_errors(listener)
    }
}
