//! A real Redis-compatible server for client exercises, with a wiretap.
//!
//! [`RedisFixture`] runs `mini_redis::server::run` on 127.0.0.1, port 0, and
//! puts a recording proxy in front of it. Learner code gets the proxy's
//! address; the check can then say exactly what went over the wire ("your
//! client connected but sent nothing") and read the server's state directly,
//! behind the proxy, to grade by effect.
//!
//! The fixture runs on its own runtime, so learner code that blocks its
//! thread cannot stall the server that grades it.

use std::io::Cursor;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use mini_redis::Frame;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// What went over one connection through the proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wire {
    /// Bytes from the learner's client to the server.
    pub to_server: Vec<u8>,
    /// Bytes from the server back to the learner's client.
    pub to_client: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Wire>>>;

/// A mini-redis server behind a recording proxy, on its own runtime.
pub struct RedisFixture {
    runtime: Option<Runtime>,
    proxy: SocketAddr,
    server: SocketAddr,
    log: Log,
}

impl RedisFixture {
    /// Starts the server and the proxy, each on 127.0.0.1 port 0.
    ///
    /// # Panics
    /// If the machine cannot bind a loopback port; the grader cannot work
    /// without one, and `workbook doctor` checks for it.
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("grader-redis")
            .enable_all()
            .build()
            .expect("grader: cannot start the fixture runtime");
        let log: Log = Arc::default();
        let (server, proxy) = runtime.block_on(async {
            let server = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("grader: cannot bind a port on 127.0.0.1");
            let proxy = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("grader: cannot bind a port on 127.0.0.1");
            (server, proxy)
        });
        let server_addr = server.local_addr().expect("bound listener has an address");
        let proxy_addr = proxy.local_addr().expect("bound listener has an address");
        runtime.spawn(mini_redis::server::run(
            server,
            std::future::pending::<()>(),
        ));
        runtime.spawn(accept_and_relay(proxy, server_addr, Arc::clone(&log)));
        RedisFixture {
            runtime: Some(runtime),
            proxy: proxy_addr,
            server: server_addr,
            log,
        }
    }

    /// The address to give the learner's code.
    pub fn addr(&self) -> SocketAddr {
        self.proxy
    }

    /// Every connection made through the proxy so far, in order.
    pub fn wires(&self) -> Vec<Wire> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// All bytes sent to the server, over every connection.
    pub fn sent(&self) -> Vec<u8> {
        self.wires().into_iter().flat_map(|w| w.to_server).collect()
    }

    /// All bytes the server sent back, over every connection.
    pub fn received(&self) -> Vec<u8> {
        self.wires().into_iter().flat_map(|w| w.to_client).collect()
    }

    /// The commands the learner's code sent, in order, lower-cased names
    /// first (`["set", "hello", "world"]`).
    pub fn commands(&self) -> Vec<Vec<String>> {
        self.wires()
            .iter()
            .flat_map(|w| commands_in(&w.to_server))
            .collect()
    }

    /// Reads a key straight from the server, behind the proxy, so the
    /// learner's traffic log stays clean. `Err` says why it could not.
    pub fn get(&self, key: &str) -> Result<Option<Bytes>, String> {
        let handle = match &self.runtime {
            Some(runtime) => runtime.handle().clone(),
            None => return Err("the fixture is stopped".to_owned()),
        };
        let server = self.server;
        let key = key.to_owned();
        // A fresh thread can block on the fixture's runtime whether or not
        // the caller is itself inside a runtime.
        std::thread::spawn(move || {
            handle.block_on(async move {
                let read = async {
                    let mut client = mini_redis::client::connect(server).await?;
                    client.get(&key).await
                };
                match tokio::time::timeout(Duration::from_secs(5), read).await {
                    Ok(Ok(value)) => Ok(value),
                    Ok(Err(e)) => Err(format!("reading {key:?} from the server failed: {e}")),
                    Err(_) => Err(format!("reading {key:?} from the server timed out")),
                }
            })
        })
        .join()
        .unwrap_or_else(|_| Err("the grader's reader thread panicked".to_owned()))
    }
}

impl Drop for RedisFixture {
    fn drop(&mut self) {
        // Safe to call from async code, unlike dropping a runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Splits bytes into the RESP commands they hold (an incomplete last frame
/// is left out).
pub fn commands_in(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut cursor = Cursor::new(bytes);
    let mut commands = Vec::new();
    loop {
        let start = cursor.position();
        if Frame::check(&mut cursor).is_err() {
            break;
        }
        cursor.set_position(start);
        match Frame::parse(&mut cursor) {
            Ok(frame) => commands.push(words(&frame)),
            Err(_) => break,
        }
    }
    commands
}

fn words(frame: &Frame) -> Vec<String> {
    match frame {
        Frame::Array(parts) => parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let word = match part {
                    Frame::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                    Frame::Simple(s) => s.clone(),
                    other => other.to_string(),
                };
                if i == 0 { word.to_lowercase() } else { word }
            })
            .collect(),
        other => vec![other.to_string()],
    }
}

async fn accept_and_relay(listener: TcpListener, server: SocketAddr, log: Log) {
    while let Ok((client, _)) = listener.accept().await {
        let index = {
            let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
            log.push(Wire::default());
            log.len() - 1
        };
        let log = Arc::clone(&log);
        tokio::spawn(async move {
            let Ok(upstream) = TcpStream::connect(server).await else {
                return;
            };
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = upstream.into_split();
            tokio::join!(
                pump(client_read, server_write, &log, index, true),
                pump(server_read, client_write, &log, index, false),
            );
        });
    }
}

/// Copies one direction of a connection, recording every byte before it is
/// forwarded, so a reply never reaches the learner before its request is in
/// the log.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    log: &Log,
    index: usize,
    to_server: bool,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        {
            let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
            let wire = &mut log[index];
            let side = if to_server {
                &mut wire.to_server
            } else {
                &mut wire.to_client
            };
            side.extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    // Pass the half-close on, so each side sees end of stream.
    let _ = to.shutdown().await;
}

/// Runs a future to completion on a fresh multi-thread runtime, then
/// abandons the runtime instead of waiting for tasks the learner left
/// running (they may be stuck; the check's process ends soon anyway).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("grader: cannot start a runtime");
    let output = runtime.block_on(future);
    runtime.shutdown_background();
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_in_splits_pipelined_frames() {
        let bytes =
            b"*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n*2\r\n$3\r\nGET\r\n$5\r\nhel";
        assert_eq!(commands_in(bytes), vec![vec!["set", "hello", "world"]]);
    }
}
