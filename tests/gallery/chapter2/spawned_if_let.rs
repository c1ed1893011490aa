//! `if-let-not-loop` inside a spawned task.
//! Rejected by `2.2 answers_every_command_on_a_connection`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub use super::elsewhere::{fetch_all, reply_with_errors, save_greeting, serve};

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
