//! `replies-out-of-order`: frames its own reads, answers every command a
//! read brought in, and writes the batch of replies with
//! `while let Some(reply) = replies.pop()` — last first. One command per
//! write is answered right; pipelined commands are answered backwards.
//! Rejected by `3.1 random_sessions_match_the_model`; the hand-written
//! 3.1 checks never pipeline.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex};

use bytes::{Buf, Bytes, BytesMut};
use mini_redis::Frame;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Store = Arc<Mutex<HashMap<String, Bytes>>>;

/// The bytes of `frame` on the wire (the replies this server sends).
fn encode(frame: &Frame) -> Vec<u8> {
    match frame {
        Frame::Simple(s) => format!("+{s}\r\n").into_bytes(),
        Frame::Error(s) => format!("-{s}\r\n").into_bytes(),
        Frame::Bulk(b) => {
            let mut out = format!("${}\r\n", b.len()).into_bytes();
            out.extend_from_slice(b);
            out.extend_from_slice(b"\r\n");
            out
        }
        _ => b"$-1\r\n".to_vec(),
    }
}

async fn handle(mut socket: TcpStream, store: Store) -> mini_redis::Result<()> {
    let mut buffer = BytesMut::with_capacity(4096);
    loop {
        if socket.read_buf(&mut buffer).await? == 0 {
            return Ok(());
        }
        // Every complete frame this read completed, then one batch of
        // replies.
        let mut replies = Vec::new();
        loop {
            let mut cursor = Cursor::new(&buffer[..]);
            match Frame::check(&mut cursor) {
                Ok(()) => {
                    let len = cursor.position() as usize;
                    cursor.set_position(0);
                    let frame = Frame::parse(&mut cursor)?;
                    buffer.advance(len);
                    let mut store = store.lock().unwrap();
                    replies.push(super::apply(&mut store, frame));
                }
                Err(mini_redis::frame::Error::Incomplete) => break,
                Err(e) => return Err(e.into()),
            }
        }
        while let Some(reply) = replies.pop() {
            socket.write_all(&encode(&reply)).await?;
        }
    }
}

pub async fn serve(listener: TcpListener) -> mini_redis::Result<()> {
    let store: Store = Arc::default();
    loop {
        let (socket, _) = listener.accept().await?;
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let _ = handle(socket, store).await;
        });
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter3::Api for Entry {
    type Db = ();
    type ShardedDb = ();
    type VisitCounter = ();
    fn serve(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve(listener)
    }
}
