//! Exercise 2.3: GET and SET.
//!
//! The server starts to remember. Each connection keeps its own store for
//! now — chapter 3 shares one between all of them — and a command the
//! server does not know gets an error reply, never a panic: a panic would
//! end the task, and with it the client's connection.

use std::collections::HashMap; // exercise: get-and-set

use bytes::Bytes; // exercise: get-and-set
use mini_redis::{Command, Connection, Frame}; // exercise: get-and-set
use tokio::net::TcpListener;

// ANCHOR: serve
/// Serves GET and SET to every client on `listener`, each connection in a
/// task of its own with a store of its own.
pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    // exercise: get-and-set
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            let mut store: HashMap<String, Bytes> = HashMap::new();

            while let Ok(Some(frame)) = connection.read_frame().await {
                // Keep the command's name for the error message: parsing
                // consumes the frame.
                let name = match &frame {
                    Frame::Array(parts) => parts.first().map(ToString::to_string),
                    _ => None,
                };
                let reply = match Command::from_frame(frame) {
                    Ok(Command::Set(cmd)) => {
                        store.insert(cmd.key().to_owned(), cmd.value().clone());
                        Frame::Simple("OK".to_owned())
                    }
                    Ok(Command::Get(cmd)) => match store.get(cmd.key()) {
                        // `Bytes::clone` shares the buffer: no copy.
                        Some(value) => Frame::Bulk(value.clone()),
                        None => Frame::Null,
                    },
                    // The name is the client's bytes, and an error frame ends at
                    // the first CRLF: a CR or LF in it would let the client write
                    // a reply of its own. Redis turns them into spaces; so do we.
                    Ok(_) => Frame::Error(
                        format!("ERR unknown command '{}'", name.unwrap_or_default())
                            .replace(['\r', '\n'], " "),
                    ),
                    // Not a command at all (say, a lone integer): answer,
                    // and keep the connection.
                    Err(e) => Frame::Error(format!("ERR {e}").replace(['\r', '\n'], " ")),
                };
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
    // end exercise: get-and-set
}
// ANCHOR_END: serve
