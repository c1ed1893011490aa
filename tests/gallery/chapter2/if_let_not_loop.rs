//! `if-let-not-loop`: reads one frame per connection, then drops it.
//! Rejected by `2.1 answers_every_command_on_a_connection`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub use super::elsewhere::{fetch_all, save_greeting, serve, serve_concurrently};

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
