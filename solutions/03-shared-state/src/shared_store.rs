//! Exercise 3.1: one store for every connection.
//!
//! In chapter 2 each connection kept a map of its own, so a value one
//! client SET was invisible to every other. Here the map is made once, when
//! the server starts, and shared: an `Arc` lets every connection task own
//! a handle on it, and a `std::sync::Mutex` lets one task at a time in.

use std::collections::HashMap; // exercise: shared-store
use std::sync::{Arc, Mutex, PoisonError}; // exercise: shared-store

use bytes::Bytes; // exercise: shared-store
use mini_redis::{Command, Connection, Frame}; // exercise: shared-store
use tokio::net::TcpListener;

// ANCHOR: serve
/// Serves GET and SET to every client on `listener`, from one store that
/// all the connections share.
pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    // exercise: shared-store
    // One map for the whole server, made before the first client arrives.
    let store: Arc<Mutex<HashMap<String, Bytes>>> = Arc::new(Mutex::new(HashMap::new()));

    loop {
        let (socket, _) = listener.accept().await?;
        // A second handle on the same map — a pointer and a reference
        // count, not a copy — for the task to own.
        let store = Arc::clone(&store);

        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(frame)) = connection.read_frame().await {
                let name = match &frame {
                    Frame::Array(parts) => parts.first().map(ToString::to_string),
                    _ => None,
                };
                let reply = match Command::from_frame(frame) {
                    Ok(Command::Set(cmd)) => {
                        // The guard is a temporary: the lock is released at
                        // the end of this statement. `lock` fails only when
                        // another task panicked while holding the guard (the
                        // mutex is "poisoned"); one `insert` cannot leave the
                        // map half-changed, so we carry on with it.
                        store
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .insert(cmd.key().to_owned(), cmd.value().clone());
                        Frame::Simple("OK".to_owned())
                    }
                    Ok(Command::Get(cmd)) => {
                        // Clone the value out (a `Bytes` clone shares the
                        // buffer) and let the guard go at the `;`.
                        let value = store
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .get(cmd.key())
                            .cloned();
                        value.map_or(Frame::Null, Frame::Bulk)
                    }
                    // The name is the client's bytes, and an error frame ends at
                    // the first CRLF: a CR or LF in it would let the client write
                    // a reply of its own. Redis turns them into spaces; so do we.
                    Ok(_) => Frame::Error(
                        format!("ERR unknown command '{}'", name.unwrap_or_default())
                            .replace(['\r', '\n'], " "),
                    ),
                    Err(e) => Frame::Error(format!("ERR {e}").replace(['\r', '\n'], " ")),
                };
                // No guard is alive here. Writing may wait a long time for a
                // slow client, and every other client would wait with it.
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
    // end exercise: shared-store
}
// ANCHOR_END: serve
