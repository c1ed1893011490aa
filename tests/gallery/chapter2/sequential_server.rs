//! `sequential-server`: 2.2 without the spawn, one client at a time.
//! Rejected by `2.2 an_idle_client_does_not_block_others`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub use super::elsewhere::{fetch_all, reply_with_errors, save_greeting, serve};

pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);
        while let Ok(Some(_)) = connection.read_frame().await {
            connection
                .write_frame(&Frame::Error("ERR no".into()))
                .await?;
        }
    }
}
