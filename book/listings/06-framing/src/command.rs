//! Given: the commands this server runs, and the replies Redis gives.
//!
//! A request is an array of bulk strings: a command's name, then its
//! arguments, all of them bytes. [`Command::from_frame`] turns one into a
//! [`Command`], or into the error reply redis-server 7 sends for it, byte
//! for byte; [`Command::apply`] runs it on the store.

use std::mem::take;

use bytes::Bytes;

use crate::db::Db;
use crate::frame::Frame;

// ANCHOR: command
/// One request this server knows how to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `PING [message]`: `+PONG`, or the message back as a bulk string.
    Ping(Option<Bytes>),
    /// `GET key`: the value, or null.
    Get(Bytes),
    /// `SET key value`: `+OK`.
    Set(Bytes, Bytes),
}

/// What to do with a frame that is not a command this server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Answer with this error, and read the next request.
    Reply(Frame),
    /// Answer with this error, then close the connection: the frame is
    /// not a request at all, as Redis does with a protocol error.
    Close(Frame),
}
// ANCHOR_END: command

impl Command {
    /// The command `frame` asks for, or how to refuse it.
    pub fn from_frame(frame: Frame) -> Result<Command, Refusal> {
        let mut items = match frame {
            Frame::Array(items) if !items.is_empty() => items,
            other => {
                return Err(Refusal::Close(Frame::Error(format!(
                    "ERR Protocol error: expected a command, an array of bulk strings, got {}",
                    kind(&other)
                ))));
            }
        };
        // Every word must be a bulk string. The words are then read where
        // they are, in the array: no second `Vec` for every request.
        if let Some(other) = items.iter().find(|item| !matches!(item, Frame::Bulk(_))) {
            return Err(Refusal::Close(Frame::Error(format!(
                "ERR Protocol error: expected '$', got '{}'",
                type_byte(other)
            ))));
        }
        let [Frame::Bulk(first), args @ ..] = &mut items[..] else {
            unreachable!("the array is not empty, and holds only bulk strings")
        };
        // Command names are case-insensitive. Compared in place: a
        // lowercased copy would cost an allocation each time.
        let name = ["ping", "get", "set"]
            .into_iter()
            .find(|name| first.eq_ignore_ascii_case(name.as_bytes()));
        // The arguments are moved out (`take` leaves an empty `Bytes`
        // behind), not cloned: cloning a `Bytes` that owns its buffer alone
        // makes it share the buffer, which costs an allocation.
        use Frame::Bulk as B;
        let command = match (name, args) {
            (Some("ping"), []) => Command::Ping(None),
            (Some("ping"), [B(message)]) => Command::Ping(Some(take(message))),
            (Some("get"), [B(key)]) => Command::Get(take(key)),
            (Some("set"), [B(key), B(value)]) => Command::Set(take(key), take(value)),
            // Redis's SET takes options (EX, NX, …); this one takes none,
            // and Redis answers options it does not know this way.
            (Some("set"), [_, _, _, ..]) => {
                return Err(Refusal::Reply(error("ERR syntax error")));
            }
            (Some(name), _) => {
                return Err(Refusal::Reply(error(&format!(
                    "ERR wrong number of arguments for '{name}' command"
                ))));
            }
            (None, _) => {
                // Rare: the words are gathered only to quote them back.
                let words: Vec<&[u8]> = items
                    .iter()
                    .filter_map(|item| match item {
                        B(word) => Some(&word[..]),
                        _ => None,
                    })
                    .collect();
                return Err(Refusal::Reply(unknown(&words)));
            }
        };
        Ok(command)
    }

    /// Runs the command on `db`, and returns the reply.
    pub fn apply(self, db: &Db) -> Frame {
        match self {
            Command::Ping(None) => Frame::Simple("PONG".into()),
            Command::Ping(Some(message)) => Frame::Bulk(message),
            Command::Get(key) => db.get(&key).map_or(Frame::Null, Frame::Bulk),
            Command::Set(key, value) => {
                db.set(key, value);
                Frame::Simple("OK".into())
            }
        }
    }
}

/// An error reply.
fn error(text: &str) -> Frame {
    Frame::Error(text.to_owned())
}

/// Redis's reply to a command it does not know, built as redis-server 7
/// builds it: the name (at most 128 bytes), then the arguments, quoted,
/// until 128 bytes of them are written; each word ends at a NUL byte (C
/// strings), and CR and LF become spaces, so the reply stays one line.
fn unknown(words: &[&[u8]]) -> Frame {
    fn c_string(word: &[u8]) -> &[u8] {
        &word[..word.iter().position(|&b| b == 0).unwrap_or(word.len())]
    }
    let name = c_string(words[0]);
    let mut args = Vec::new();
    for word in &words[1..] {
        if args.len() >= 128 {
            break;
        }
        let word = c_string(word);
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(&word[..word.len().min(room)]);
        args.extend_from_slice(b"' ");
    }
    let mut text = b"ERR unknown command '".to_vec();
    text.extend_from_slice(&name[..name.len().min(128)]);
    text.extend_from_slice(b"', with args beginning with: ");
    text.extend_from_slice(&args);
    for byte in &mut text {
        if matches!(byte, b'\r' | b'\n') {
            *byte = b' ';
        }
    }
    // An error frame holds text: bytes that are not UTF-8 are replaced.
    Frame::Error(String::from_utf8_lossy(&text).into_owned())
}

/// What kind of frame this is, in words.
fn kind(frame: &Frame) -> &'static str {
    match frame {
        Frame::Simple(_) => "a simple string",
        Frame::Error(_) => "an error",
        Frame::Integer(_) => "an integer",
        Frame::Bulk(_) => "a bulk string",
        Frame::Null => "a null",
        Frame::Array(_) => "an empty array",
    }
}

/// The byte a frame of this kind starts with.
fn type_byte(frame: &Frame) -> char {
    match frame {
        Frame::Simple(_) => '+',
        Frame::Error(_) => '-',
        Frame::Integer(_) => ':',
        Frame::Bulk(_) | Frame::Null => '$',
        Frame::Array(_) => '*',
    }
}
