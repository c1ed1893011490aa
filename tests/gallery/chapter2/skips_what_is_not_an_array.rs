//! `unanswered-request`: `let Frame::Array(..) = frame else { continue }`
//! skips every frame that is not a command, and the client that sent it
//! waits forever. Rejected by `2.2 random_sessions_match_the_model`; the
//! hand-written 2.2 checks only send commands.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(frame)) = connection.read_frame().await {
                // "Commands are arrays; ignore anything else."
                let Frame::Array(_) = frame else {
                    continue;
                };
                let reply = Frame::Error("ERR this server cannot run commands yet".into());
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
    fn serve_concurrently(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve_concurrently(listener)
    }
}
