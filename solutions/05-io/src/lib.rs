//! Chapter 5, I/O: moving bytes, before any of them means a command.
//!
//! A Redis connection is, underneath the frames, two streams of bytes: the
//! client's requests coming in, the server's replies going out. This
//! chapter works at that level, with no parsing at all: an *echo* handler,
//! which sends every byte it reads straight back (a Redis server whose
//! every reply is the request it got), and a client that sends a batch of
//! commands and reads everything the server answers, the way
//! `redis-cli --pipe` does.
//!
//! Everything but the server is generic over `AsyncRead + AsyncWrite +
//! Unpin`, so the same code runs on a `TcpStream`, on one end of an
//! in-memory `tokio::io::duplex` pipe, or on a scripted mock.
//!
//! One file per exercise, in the order the book takes them:
//!
//! 1. `by_hand.rs`, [`echo`] — read into a buffer, write it all back,
//!    until the end of the stream.
//! 2. `copy.rs`, [`echo_with_copy`] — the same with `io::copy`, over the
//!    two halves of a split stream.
//! 3. `server.rs`, [`serve`] — an echo server: one task per connection.
//! 4. `client.rs`, [`request`] — write a request, close the write side,
//!    read the whole reply.

mod by_hand;
mod client;
mod copy;
mod server;

pub use by_hand::{BUFFER_SIZE, echo};
pub use client::request;
pub use copy::echo_with_copy;
pub use server::serve;
