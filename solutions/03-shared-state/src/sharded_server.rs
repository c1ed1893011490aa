//! Exercise 3.5: the server on a sharded store.
//!
//! The server of exercise 3.1 again, with its store swapped for a
//! [`ShardedDb`]. The connection code gets simpler: the store's methods
//! are synchronous and hide their locks, so no guard can come anywhere
//! near an `.await`.

use mini_redis::{Command, Connection, Frame}; // exercise: sharded-server
use tokio::net::TcpListener;

use crate::sharded_db::{SHARDS, ShardedDb}; // exercise: sharded-server

// ANCHOR: serve_sharded
/// Serves GET and SET to every client on `listener`, from one
/// [`ShardedDb`] of [`SHARDS`] shards that all the connections share.
pub async fn serve_sharded(listener: TcpListener) -> mini_redis::Result<()> {
    // exercise: sharded-server
    let db = ShardedDb::new(SHARDS);

    loop {
        let (socket, _) = listener.accept().await?;
        // `ShardedDb` is a handle: cloning it clones an `Arc`, and the
        // clone reaches the same shards.
        let db = db.clone();

        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(frame)) = connection.read_frame().await {
                let name = match &frame {
                    Frame::Array(parts) => parts.first().map(ToString::to_string),
                    _ => None,
                };
                let reply = match Command::from_frame(frame) {
                    Ok(Command::Set(cmd)) => {
                        db.set(cmd.key().to_owned(), cmd.value().clone());
                        Frame::Simple("OK".to_owned())
                    }
                    Ok(Command::Get(cmd)) => db.get(cmd.key()).map_or(Frame::Null, Frame::Bulk),
                    // The name is the client's bytes, and an error frame ends at
                    // the first CRLF: a CR or LF in it would let the client write
                    // a reply of its own. Redis turns them into spaces; so do we.
                    Ok(_) => Frame::Error(
                        format!("ERR unknown command '{}'", name.unwrap_or_default())
                            .replace(['\r', '\n'], " "),
                    ),
                    Err(e) => Frame::Error(format!("ERR {e}").replace(['\r', '\n'], " ")),
                };
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
    // end exercise: sharded-server
}
// ANCHOR_END: serve_sharded
