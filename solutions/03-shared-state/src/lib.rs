//! Chapter 3, Shared state: one store for every connection.
//!
//! Six exercises, one module each (the handle's two in one), in the order
//! the book takes them:
//!
//! 1. [`serve`] — the chapter-2 server with one `Arc<Mutex<HashMap>>`
//!    shared by every connection.
//! 2. [`Db::set`] — a handle that keeps the lock out of async code: writing.
//! 3. [`Db::get`] — the same handle: reading.
//! 4. [`ShardedDb::shard_of`] — many locks instead of one: a stable hash
//!    picks each key's shard.
//! 5. [`serve_sharded`] — the server on the sharded store.
//! 6. [`record_visit`] — a lock that must be held across `.await`:
//!    `tokio::sync::Mutex`, next to a `std::sync::Mutex` that must not.

mod db;
mod sharded_db;
mod sharded_server;
mod shared_store;
mod visit_counter;

pub use db::Db;
pub use sharded_db::{SHARDS, ShardedDb};
pub use sharded_server::serve_sharded;
pub use shared_store::serve;
pub use visit_counter::{VisitCounter, record_visit};
