//! Chapter 6, Framing: your own `Connection`, and a complete server on it.
//!
//! Until now mini-redis turned bytes into frames for you. This chapter
//! takes that job over: a RESP parser, a connection that buffers what the
//! socket delivers until a whole frame is there, a write side that sends
//! many replies in one system call, and the server from chapter 3 on top.
//!
//! One file per concern, in the order the book takes them:
//!
//! 1. `frame.rs`, [`Frame::check`] — is a whole frame in the buffer?
//! 2. `frame.rs`, [`Frame::parse`] — turn that frame into a [`Frame`].
//! 3. `connection.rs`, [`Connection::write_frame`] — encode a frame into
//!    the write buffer.
//! 4. `connection.rs`, [`Connection::read_frame`] — the read loop: parse
//!    what is buffered, else flush the replies and read more.
//! 5. `server.rs`, [`run_with`] — the complete server: PING, GET and SET
//!    on a sharded store, one task per connection.
//!
//! - `db.rs` and `command.rs` are given: the sharded store of chapter 3
//!   (with binary keys), and the commands with Redis's own error replies;
//!   in `server.rs`, [`Clients`] and [`Config`]: a limit on clients, and
//!   the limits of each connection ([`Limits`]).

mod command;
mod connection;
mod db;
mod frame;
mod server;

pub use command::{Command, Refusal};
pub use connection::{Connection, Limits};
pub use db::{Db, SHARDS};
pub use frame::{
    Frame, MAX_BULK_LEN, MAX_DEPTH, MAX_LINE_LEN, ParseError, get_decimal, get_line, get_u8,
};
pub use server::{Client, Clients, Config, TOO_MANY_CLIENTS, run, run_with};

/// Any error a connection or the server can meet: an I/O error, a
/// protocol error, a closed stream.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
