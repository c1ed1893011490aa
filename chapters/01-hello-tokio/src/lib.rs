//! Chapter 1, Hello Tokio: a first Redis client.
//!
//! Three exercises, one module each, in the order the book takes them:
//!
//! 1. [`hello_redis`] — connect to a server, SET a key, GET it back.
//! 2. [`run`] — build by hand the runtime that `#[tokio::main]` would build.
//! 3. [`record_visit`] — repair code that compiles, runs, and does nothing.

mod hello_redis;
mod lazy_futures;
mod runtime_by_hand;

pub use hello_redis::hello_redis;
pub use lazy_futures::record_visit;
pub use runtime_by_hand::run;
