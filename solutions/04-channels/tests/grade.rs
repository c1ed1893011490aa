//! Grades this crate with the workbook's chapter-4 checks: `cargo test`.
//!
//! The grader sees the crate through the `Api` trait, implemented here in
//! plain Rust, one item each. The chapter's copy of this file is written
//! by `cargo workbook dev gen`.

use std::future::Future;
use std::net::SocketAddr;

use bytes::Bytes;
use grader::chapters::chapter4::{Api, Sent};
use solution_4::Command;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

struct ThisCrate;

impl Api for ThisCrate {
    type Command = Command;

    fn command(sent: Sent) -> Command {
        match sent {
            Sent::Get { key, resp } => Command::Get { key, resp },
            Sent::Set { key, value, resp } => Command::Set { key, value, resp },
        }
    }

    fn open(command: Command) -> Sent {
        match command {
            Command::Get { key, resp } => Sent::Get { key, resp },
            Command::Set { key, value, resp } => Sent::Set { key, value, resp },
        }
    }

    fn start(
        addr: SocketAddr,
    ) -> impl Future<Output = mini_redis::Result<(mpsc::Sender<Command>, JoinHandle<()>)>> {
        solution_4::start(addr)
    }

    fn get(
        sender: &mpsc::Sender<Command>,
        key: &str,
    ) -> impl Future<Output = mini_redis::Result<Option<Bytes>>> {
        solution_4::get(sender, key)
    }

    fn set(
        sender: &mpsc::Sender<Command>,
        key: &str,
        value: Bytes,
    ) -> impl Future<Output = mini_redis::Result<()>> {
        solution_4::set(sender, key, value)
    }

    async fn follow(changes: broadcast::Receiver<String>) -> (Vec<String>, u64) {
        let followed = solution_4::follow(changes).await;
        (followed.seen, followed.missed)
    }

    fn observe(limit: watch::Receiver<u64>, apply: mpsc::Sender<u64>) -> impl Future<Output = ()> {
        solution_4::observe(limit, apply)
    }
}

fn main() {
    grader::chapters::chapter4::main::<ThisCrate>(env!("CARGO_PKG_NAME"))
}
