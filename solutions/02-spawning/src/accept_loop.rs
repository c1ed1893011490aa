//! Exercise 2.1: an accept loop.
//!
//! A server's life is a loop: accept a connection, talk to the client,
//! accept the next. This first version talks to one client at a time, and
//! has nothing to say yet but an error.

use mini_redis::{Connection, Frame}; // exercise: accept-loop
use tokio::net::TcpListener;

// ANCHOR: reply_with_errors
/// Accepts clients on `listener`, one at a time, and answers every command
/// each of them sends with an error frame.
pub async fn reply_with_errors(listener: TcpListener) -> mini_redis::Result<()> {
    // exercise: accept-loop
    loop {
        // The listener is given, already bound: the caller chose the port.
        let (socket, _) = listener.accept().await?;
        let mut connection = Connection::new(socket);

        // `while let`, not `if let`: a client sends many commands over one
        // connection, and `read_frame` returns `None` when it hangs up.
        // A broken connection (an I/O or protocol error) ends the loop too;
        // the server moves on to the next client either way.
        while let Ok(Some(_frame)) = connection.read_frame().await {
            // Not `{frame}` in the text: the client chose its bytes, and an
            // error frame ends at the first CRLF they might hold.
            let reply = Frame::Error("ERR this server cannot run commands yet".to_owned());
            if connection.write_frame(&reply).await.is_err() {
                break;
            }
        }
    }
    // end exercise: accept-loop
}
// ANCHOR_END: reply_with_errors
