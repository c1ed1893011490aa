//! Grades this crate with the workbook's chapter-1 checks: `cargo test`.
//!
//! The grader sees the crate through the `Api` trait, implemented here in
//! plain Rust, one line per function. The chapter's copy of this file is
//! written by `cargo workbook dev gen`.

use std::future::Future;
use std::net::SocketAddr;

use bytes::Bytes;
use grader::chapters::chapter1::Api;

struct ThisCrate;

impl Api for ThisCrate {
    fn hello_redis(addr: SocketAddr) -> impl Future<Output = mini_redis::Result<Option<Bytes>>> {
        solution_1::hello_redis(addr)
    }

    fn run<F: Future>(future: F) -> F::Output {
        solution_1::run(future)
    }

    fn record_visit(addr: SocketAddr, name: &str) -> impl Future<Output = mini_redis::Result<()>> {
        solution_1::record_visit(addr, name)
    }
}

fn main() {
    grader::chapters::chapter1::main::<ThisCrate>(env!("CARGO_PKG_NAME"))
}
