//! Exercise 2.2: one task per connection.
//!
//! The loop of exercise 2.1 serves one client at a time: while it waits for
//! a silent client, nobody else is accepted. Spawning a task per connection
//! lets the loop go straight back to `accept`.

use mini_redis::{Connection, Frame}; // exercise: spawn-per-connection
use tokio::net::TcpListener;

// ANCHOR: serve_concurrently
/// Accepts clients on `listener` and serves each one in a task of its own,
/// answering every command with an error frame.
pub async fn serve_concurrently(listener: TcpListener) -> mini_redis::Result<()> {
    // exercise: spawn-per-connection
    loop {
        let (socket, _) = listener.accept().await?;

        // `async move` hands the socket to the task: the task must own
        // everything it uses (`'static`), since it may outlive this loop
        // iteration, and it may run on any worker thread (`Send`).
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(_frame)) = connection.read_frame().await {
                // Not `{frame}` in the text: the client chose its bytes, and an
                // error frame ends at the first CRLF they might hold.
                let reply = Frame::Error("ERR this server cannot run commands yet".to_owned());
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
        // No `.await` on the task: the loop accepts the next client at once.
    }
    // end exercise: spawn-per-connection
}
// ANCHOR_END: serve_concurrently
