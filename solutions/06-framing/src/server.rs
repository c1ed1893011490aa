//! Exercise 6.5: the complete server, on your own framing.
//!
//! The accept loop of chapter 2, the sharded store of chapter 3, and this
//! chapter's [`Connection`]: one task per client, each reading requests
//! and writing replies a frame at a time.
//!
//! Given: what a server open to the world needs besides, kept out of the
//! exercise. [`Clients`] accepts connections up to a limit and refuses
//! the rest as Redis does (`-ERR max number of clients reached`, then
//! close); an error from `accept` itself (no file descriptors left, a
//! client gone before it was accepted) is waited out, not fatal; and
//! [`Config`] sets the limits, so tests can use small ones.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::command::{Command, Refusal}; // exercise: framed-server
use crate::connection::Connection; // exercise: framed-server
use crate::connection::Limits;
use crate::db::{Db, SHARDS}; // exercise: framed-server

/// What a server allows its clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// How many clients may be connected at once; the next one is told
    /// `-ERR max number of clients reached` and closed. 10,000, Redis's
    /// `maxclients`.
    pub max_clients: usize,
    /// What each connection may hold: see [`Limits`].
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_clients: 10_000,
            limits: Limits::default(),
        }
    }
}

/// Serves clients on `listener` with the default [`Config`].
pub async fn run(listener: TcpListener) -> crate::Result<()> {
    run_with(listener, Config::default()).await
}

// ANCHOR: run
/// Serves clients on `listener` until the listener fails: PING, GET and
/// SET on one sharded store, one task per connection, within `config`.
pub async fn run_with(listener: TcpListener, config: Config) -> crate::Result<()> {
    // Given: the limit on clients, and the limits of each connection.
    let clients = Clients::new(listener, config);
    // exercise: framed-server
    /// Answers one client's requests until it hangs up.
    async fn serve(socket: Client, limits: Limits, db: Db) -> crate::Result<()> {
        let mut connection = Connection::with_limits(socket, limits);
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
        let (socket, _) = clients.accept().await?;
        // Replies leave as soon as they are flushed: without this, Nagle's
        // algorithm may hold a small reply back until the client's
        // delayed ACK comes, up to 40 ms later.
        socket.set_nodelay(true)?;
        // A clone is another handle on the same shards.
        tokio::spawn(serve(socket, clients.limits(), db.clone()));
    }
    // end exercise: framed-server
}
// ANCHOR_END: run

// ANCHOR: clients
/// A listener that lets in at most `max_clients` clients at a time.
#[derive(Debug)]
pub struct Clients {
    listener: TcpListener,
    /// One permit per client that may still connect.
    slots: Arc<Semaphore>,
    limits: Limits,
}

/// An accepted client: its socket, and its place under the limit, given
/// back when the `Client` is dropped. Read and write it as the socket.
#[derive(Debug)]
pub struct Client {
    socket: TcpStream,
    _slot: OwnedSemaphorePermit,
}
// ANCHOR_END: clients

/// What a client beyond the limit is told, as redis-server words it.
pub const TOO_MANY_CLIENTS: &[u8] = b"-ERR max number of clients reached\r\n";

impl Clients {
    /// Accepts on `listener` within `config`.
    pub fn new(listener: TcpListener, config: Config) -> Clients {
        Clients {
            listener,
            slots: Arc::new(Semaphore::new(config.max_clients)),
            limits: config.limits,
        }
    }

    /// The next client that fits under the limit, with its address.
    /// Clients beyond the limit are refused here, and never returned.
    pub async fn accept(&self) -> io::Result<(Client, SocketAddr)> {
        let mut pause = Duration::from_millis(1);
        loop {
            let (socket, addr) = match self.listener.accept().await {
                Ok(accepted) => accepted,
                // No descriptor left, or a client that left before it was
                // accepted: an error about one connection, or about this
                // moment, not the listener's end. Wait a little (longer
                // each time, up to a second) and accept again.
                Err(_) => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(1));
                    continue;
                }
            };
            pause = Duration::from_millis(1);
            match self.slots.clone().try_acquire_owned() {
                Ok(slot) => {
                    return Ok((
                        Client {
                            socket,
                            _slot: slot,
                        },
                        addr,
                    ));
                }
                // Refused in a task of its own, so a refused client that
                // never reads holds up no one.
                Err(_) => drop(tokio::spawn(refuse(socket))),
            }
        }
    }

    /// The limits each client's connection gets.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// Tells a client there is no room, and closes its connection.
async fn refuse(mut socket: TcpStream) {
    let goodbye = async {
        socket.write_all(TOO_MANY_CLIENTS).await?;
        // Close our side, then read until the client closes its own:
        // closing a socket with unread bytes in it sends a reset, which
        // may destroy the reply before the client has read it.
        socket.shutdown().await?;
        let mut sink = [0u8; 512];
        while socket.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    };
    // A client that never closes gets a second, then is cut off.
    let _ = tokio::time::timeout(Duration::from_secs(1), goodbye).await;
}

impl Client {
    /// Sets `TCP_NODELAY` on the socket: see [`TcpStream::set_nodelay`].
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.socket.set_nodelay(nodelay)
    }

    /// The client's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.peer_addr()
    }
}

impl AsyncRead for Client {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for Client {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }
}
