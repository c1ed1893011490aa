//! `reads-not-frames`: answers every `read` with one error, as if each read
//! held exactly one command. Two commands in one write get one reply.
//! Rejected by `2.1 random_sessions_match_the_model`; every hand-written
//! 2.1 check sends one command per write, and passes it.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        let mut buffer = vec![0u8; 4096];
        // One read, one command, one error — or so it seems.
        while let Ok(n) = socket.read(&mut buffer).await {
            if n == 0 {
                break;
            }
            let reply = b"-ERR this server cannot run commands yet\r\n";
            if socket.write_all(reply).await.is_err() {
                break;
            }
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
