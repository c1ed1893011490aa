//! Exercise 6.5: the complete server, on your own framing.
//!
//! The accept loop of chapter 2, the sharded store of chapter 3, and this
//! chapter's [`Connection`]: one task per client, each reading requests
//! and writing replies a frame at a time.

use tokio::net::TcpListener;
use tokio::net::TcpStream; // exercise: framed-server

use crate::command::{Command, Refusal}; // exercise: framed-server
use crate::connection::Connection; // exercise: framed-server
use crate::db::{Db, SHARDS}; // exercise: framed-server

// ANCHOR: run
/// Serves clients on `listener` until the listener fails: PING, GET and
/// SET on one sharded store, one task per connection.
pub async fn run(listener: TcpListener) -> crate::Result<()> {
    // exercise: framed-server
    /// Answers one client's requests until it hangs up.
    async fn serve(socket: TcpStream, db: Db) -> crate::Result<()> {
        let mut connection = Connection::new(socket);
        // `read_frame` flushes the replies written so far whenever no
        // whole request is left to answer.
        while let Some(frame) = connection.read_frame().await? {
            match Command::from_frame(frame) {
                Ok(command) => connection.write_frame(&command.apply(&db)).await?,
                Err(Refusal::Reply(error)) => connection.write_frame(&error).await?,
                Err(Refusal::Close(error)) => {
                    connection.write_frame(&error).await?;
                    break;
                }
            }
        }
        // The client hung up, or sent what is no request: send what is
        // still buffered before the connection drops.
        connection.flush().await?;
        Ok(())
    }

    let db = Db::new(SHARDS);
    loop {
        let (socket, _) = listener.accept().await?;
        // Replies leave as soon as they are flushed: without this, Nagle's
        // algorithm may hold a small reply back until the client's
        // delayed ACK comes, up to 40 ms later.
        socket.set_nodelay(true)?;
        // A clone is another handle on the same shards.
        tokio::spawn(serve(socket, db.clone()));
    }
    // end exercise: framed-server
}
// ANCHOR_END: run
