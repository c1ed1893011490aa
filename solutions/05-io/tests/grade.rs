//! Grades this crate with the workbook's chapter-5 checks: `cargo test`.
//!
//! The grader sees the crate through the `Api` trait, implemented here in
//! plain Rust, one item each. The chapter's copy of this file is written
//! by `cargo workbook dev gen`.

use std::future::Future;

use grader::chapters::chapter5::{Api, Stream};
use tokio::io;
use tokio::net::TcpListener;

struct ThisCrate;

impl Api for ThisCrate {
    fn echo<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        solution_5::echo(stream)
    }

    fn echo_with_copy<S: Stream>(stream: S) -> impl Future<Output = io::Result<u64>> {
        solution_5::echo_with_copy(stream)
    }

    fn serve(listener: TcpListener) -> impl Future<Output = io::Result<()>> {
        solution_5::serve(listener)
    }

    fn request<S: Stream>(stream: S, request: &[u8]) -> impl Future<Output = io::Result<Vec<u8>>> {
        solution_5::request(stream, request)
    }
}

fn main() {
    grader::chapters::chapter5::main::<ThisCrate>(env!("CARGO_PKG_NAME"))
}
