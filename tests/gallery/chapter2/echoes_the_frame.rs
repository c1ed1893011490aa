//! `echoed-crlf`: 2.1 as our own reference first wrote it, with the
//! client's frame in the error's text.
//! Rejected by `2.1 an_error_reply_is_one_frame`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);
        while let Ok(Some(frame)) = connection.read_frame().await {
            // The client's bytes, CR and LF included, in the reply.
            let reply = Frame::Error(format!("ERR this server cannot run {frame} yet"));
            if connection.write_frame(&reply).await.is_err() {
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
