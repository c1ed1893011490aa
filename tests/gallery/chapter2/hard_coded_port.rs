//! `hard-coded-port`: ignores the listener it is given and binds its own
//! on 6379. Rejected by `2.1 answers_a_command_with_an_error_frame`.

use mini_redis::{Connection, Frame};
use tokio::net::TcpListener;

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

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter2::Api for Entry {
    fn reply_with_errors(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        reply_with_errors(listener)
    }
}
