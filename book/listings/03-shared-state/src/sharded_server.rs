//! Exercise 3.5: the server on a sharded store.
//!
//! The server of exercise 3.1 again, with its store swapped for a
//! [`ShardedDb`]. The connection code gets simpler: the store's methods
//! are synchronous and hide their locks, so no guard can come anywhere
//! near an `.await`.

use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

use crate::sharded_db::{SHARDS, ShardedDb};

// ANCHOR: serve_sharded
/// Serves GET and SET to every client on `listener`, from one
/// [`ShardedDb`] of [`SHARDS`] shards that all the connections share.
pub async fn serve_sharded(listener: TcpListener) -> mini_redis::Result<()> {
    // Exercise 3.5 — requirements:
    //  1. Before the accept loop, make one `ShardedDb::new(SHARDS)`.
    //  2. Give each connection's task a clone of it (a clone is another handle on
    //     the same shards).
    //  3. Serve GET and SET as in 3.1, through `db.get` and `db.set`; answer
    //     anything else with an error frame, as in 3.1.
    // Check your work: cargo test -p chapter-3 -- 3.5
    todo!("3.5: serve GET and SET from one `ShardedDb` that every \
        connection shares")
}
// ANCHOR_END: serve_sharded
