//! `if-let-not-loop` inside a spawned task.
//! Rejected by `2.2 answers_every_command_on_a_connection`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            if let Ok(Some(_)) = connection.read_frame().await {
                let _ = connection.write_frame(&Frame::Error("ERR no".into())).await;
            }
        });
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn serve_concurrently(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve_concurrently(listener)
    }
}
