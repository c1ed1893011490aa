//! `if-let-not-loop`: reads one frame per connection, then drops it.
//! Rejected by `2.1 answers_every_command_on_a_connection`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);
        if let Ok(Some(_)) = connection.read_frame().await {
            connection
                .write_frame(&Frame::Error("ERR no".into()))
                .await?;
        }
    }
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
