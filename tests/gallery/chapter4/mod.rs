//! Known-wrong chapter-4 code, one module per mistake.
//!
//! Each entry writes out the function that carries its mistake and
//! implements the chapter's `Api` for a type `Entry` with just that (and
//! the given `Command` conversions, from here): the trait's defaults stand
//! in for the rest, which its designated check never calls.

pub mod batch_fails_together;
pub mod blocking_send_get;
pub mod blocking_send_set;
pub mod borrow_across_send;
pub mod connection_per_request;
pub mod errors_swallowed;
pub mod follow_does_nothing;
pub mod get_without_asking;
pub mod get_without_waiting;
pub mod huge_capacity;
pub mod manager_keeps_a_sender;
pub mod observe_ignores_closed;
pub mod observe_once;
pub mod polls_the_setting;
pub mod reply_send_unwrapped;
pub mod rx_await_unwrap;
pub mod set_unwraps;
pub mod set_without_waiting;
pub mod skips_initial_limit;
pub mod stops_on_error;
pub mod stops_on_lagged;
pub mod task_per_command;
pub mod try_recv_and_yield;
pub mod try_recv_follower;
pub mod try_send_get;
pub mod unwrap_in_manager;

use bytes::Bytes;
use grader::chapters::chapter4::{Responder, Sent};

/// The chapter's given command, as the entries' crates would have it.
#[derive(Debug)]
pub enum Command {
    Get {
        key: String,
        resp: Responder<Option<Bytes>>,
    },
    Set {
        key: String,
        value: Bytes,
        resp: Responder<()>,
    },
}

/// The given conversion into the crate's `Command`.
pub fn command(sent: Sent) -> Command {
    match sent {
        Sent::Get { key, resp } => Command::Get { key, resp },
        Sent::Set { key, value, resp } => Command::Set { key, value, resp },
    }
}

/// The given conversion back into the grader's `Sent`.
pub fn open(command: Command) -> Sent {
    match command {
        Command::Get { key, resp } => Sent::Get { key, resp },
        Command::Set { key, value, resp } => Sent::Set { key, value, resp },
    }
}

/// Implements the `Api` for `Entry` with the given conversions and the
/// items listed: `start`, `get`, `set`, `follow` or `observe`, each a path to the
/// entry's own function.
macro_rules! entry_api {
    ($($item:ident = $function:path),* $(,)?) => {
        /// This entry, as the grader sees it.
        pub struct Entry;

        impl grader::chapters::chapter4::Api for Entry {
            type Command = super::Command;
            fn command(sent: grader::chapters::chapter4::Sent) -> super::Command {
                super::command(sent)
            }
            fn open(command: super::Command) -> grader::chapters::chapter4::Sent {
                super::open(command)
            }
            $(crate::chapter4::entry_api!(@item $item $function);)*
        }
    };
    (@item start $function:path) => {
        fn start(
            addr: std::net::SocketAddr,
        ) -> impl std::future::Future<
            Output = mini_redis::Result<(
                tokio::sync::mpsc::Sender<super::Command>,
                tokio::task::JoinHandle<()>,
            )>,
        > {
            $function(addr)
        }
    };
    (@item get $function:path) => {
        fn get(
            sender: &tokio::sync::mpsc::Sender<super::Command>,
            key: &str,
        ) -> impl std::future::Future<Output = mini_redis::Result<Option<bytes::Bytes>>> {
            $function(sender, key)
        }
    };
    (@item set $function:path) => {
        fn set(
            sender: &tokio::sync::mpsc::Sender<super::Command>,
            key: &str,
            value: bytes::Bytes,
        ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
            $function(sender, key, value)
        }
    };
    (@item observe $function:path) => {
        fn observe(
            limit: tokio::sync::watch::Receiver<u64>,
            apply: tokio::sync::mpsc::Sender<u64>,
        ) -> impl std::future::Future<Output = ()> {
            $function(limit, apply)
        }
    };
    (@item follow $function:path) => {
        fn follow(
            changes: tokio::sync::broadcast::Receiver<String>,
        ) -> impl std::future::Future<Output = (Vec<String>, u64)> {
            $function(changes)
        }
    };
}
pub(crate) use entry_api;
