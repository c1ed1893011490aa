//! `hard-coded-port`: ignores the listener it is given and binds its own
//! on 6379. Rejected by `2.1 answers_a_command_with_an_error_frame`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

pub use super::elsewhere::{fetch_all, save_greeting, serve, serve_concurrently};

pub async fn reply_with_errors(_listener: TcpListener) -> mini_redis::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:6379").await?;
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
