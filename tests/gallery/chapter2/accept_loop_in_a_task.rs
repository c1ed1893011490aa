//! `listener-outlives-serve`: the whole accept loop moved into a spawned
//! task whose `JoinHandle` is awaited. It serves every client, but when the
//! caller drops the serve future, the task — and its listener — live on.
//! Rejected by `2.2 the_listener_closes_when_serve_is_dropped`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    let accepting = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut connection = Connection::new(socket);
                while let Ok(Some(_)) = connection.read_frame().await {
                    let reply = Frame::Error("ERR unknown command".into());
                    if connection.write_frame(&reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    accepting.await?;
    Ok(())
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
