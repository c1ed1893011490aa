//! Known-wrong chapter-1 code, one module per mistake.
//!
//! Each entry gets a complete chapter-1 API: the function that carries the
//! mistake is written out; the others come from [`elsewhere`], stubs that the
//! designated check never calls.

pub mod forgotten_await;
pub mod get_before_set;
pub mod half_fixed_visit;
pub mod hard_coded_port;
pub mod io_driver_only;
pub mod not_on_tokio;
pub mod runtime_without_drivers;
pub mod visit_never_awaited;

/// The chapter-1 functions an entry does not exercise.
pub mod elsewhere {
    use std::future::Future;
    use std::net::SocketAddr;

    use bytes::Bytes;

    /// Not part of this entry.
    pub async fn hello_redis(_addr: SocketAddr) -> mini_redis::Result<Option<Bytes>> {
        unimplemented!("not part of this gallery entry")
    }

    /// Not part of this entry.
    pub fn run<F: Future>(_future: F) -> F::Output {
        unimplemented!("not part of this gallery entry")
    }

    /// Not part of this entry.
    pub async fn record_visit(_addr: SocketAddr, _name: &str) -> mini_redis::Result<()> {
        unimplemented!("not part of this gallery entry")
    }
}
