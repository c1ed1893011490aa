//! `keeps-closed-connection`: after its client hangs up, the server waits
//! forever, holding the connection.
//! Rejected by `2.1 the_server_closes_after_the_client_hangs_up`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);
        while let Ok(Some(_)) = connection.read_frame().await {
            let reply = Frame::Error("ERR this server cannot run commands yet".into());
            connection.write_frame(&reply).await?;
        }
        // The client has gone; this waits for it anyway, socket in hand.
        std::future::pending::<()>().await;
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
