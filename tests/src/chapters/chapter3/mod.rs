//! Chapter 3, Shared state: one store for every connection.
//!
//! Exercises 3.1 and 3.5 are servers, graded over real TCP on port 0 with
//! several clients at once by the shared [`checks::server`] and
//! [`checks::store`], and by transcripts recorded from the reference. 3.2
//! to 3.4 are synchronous store methods, called directly; in 3.2 and 3.3 a
//! hang can only be a thread waiting for a lock it already holds, and the
//! harness reports it as that deadlock. 3.6 is a client-side counter shared
//! by many spawned tasks, graded by effect on a [`RedisFixture`], with the
//! `Send` probe so that a future that cannot be spawned is a failing check,
//! never a compile error.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;

use crate::checks::{self, server::replay};
use crate::failure::Failure;
use crate::fixtures::{Serve, command, serving};
use crate::manifest::exercise;
use crate::mistakes::{
    DOUBLE_LOCK, IF_LET_NOT_LOOP, LOCK_ACROSS_AWAIT, PANIC_ON_UNKNOWN, UNSTABLE_SHARD,
};
use crate::probe::MaybeSend;
use crate::suite::Suite;

mod store;
mod visits;

use store::*;
use visits::*;

/// The public API of a chapter-3 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one line per
/// item (`cargo workbook dev gen` writes the chapter's from the
/// solution's). Every method has a default that is not part of the
/// exercise, so a gallery entry writes only the function its mistake is in
/// (and names `()` for the types it does not use).
pub trait Api: 'static {
    /// The store handle of exercises 3.2 and 3.3.
    type Db: Clone + Send + 'static;
    /// The sharded store of exercise 3.4.
    type ShardedDb: 'static;
    /// The visit counter of exercise 3.6.
    type VisitCounter: 'static;

    /// Exercise 3.1.
    fn serve(listener: TcpListener) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// `Db::new`, given.
    fn db_new() -> Self::Db {
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 3.2: `Db::set`.
    fn db_set(db: &Self::Db, key: String, value: Bytes) -> Option<Bytes> {
        let _ = (db, key, value);
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 3.3: `Db::get`.
    fn db_get(db: &Self::Db, key: &str) -> Option<Bytes> {
        let _ = (db, key);
        unimplemented!("not part of this gallery entry")
    }
    /// `ShardedDb::new`, given.
    fn sharded_new(shards: usize) -> Self::ShardedDb {
        let _ = shards;
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 3.4: `ShardedDb::shard_of`.
    fn shard_of(db: &Self::ShardedDb, key: &str) -> usize {
        let _ = (db, key);
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 3.5.
    fn serve_sharded(listener: TcpListener) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// `VisitCounter::new`, given.
    fn visit_counter(redis: mini_redis::client::Client) -> Self::VisitCounter {
        let _ = redis;
        unimplemented!("not part of this gallery entry")
    }
    /// `VisitCounter::seen`, given.
    fn seen(counter: &Self::VisitCounter, page: &str) -> u64 {
        let _ = (counter, page);
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 3.6, sorted by whether its future is `Send`
    /// (`grader::probe!(…)`).
    fn record_visit(
        counter: Arc<Self::VisitCounter>,
        page: String,
    ) -> MaybeSend<mini_redis::Result<u64>> {
        let _ = (counter, page);
        unimplemented!("not part of this gallery entry")
    }
}

/// Exercise 3.1's server.
pub struct SharedStore<A>(PhantomData<A>);
/// Exercise 3.5's server.
pub struct ShardedServer<A>(PhantomData<A>);

impl<A: Api> Serve for SharedStore<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::serve(listener))
    }
}

impl<A: Api> Serve for ShardedServer<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::serve_sharded(listener))
    }
}

/// The deadline of the store checks (3.2–3.4). They take microseconds, so
/// anything longer is a hang; a short one reports a deadlock quickly.
pub(crate) const STORE_DEADLINE: Duration = Duration::from_secs(3);

/// The deadline of the store checks that race threads against each other
/// (`fixtures::interleave`): they go on for up to 2 s on a loaded machine,
/// until enough of their threads were frozen inside the learner's calls.
pub(crate) const RACE_DEADLINE: Duration = Duration::from_secs(6);

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    use checks::store::{
        a_set_on_one_connection_is_visible_on_another, a_slow_reader_does_not_freeze_the_store,
    };
    use checks::{cost, server, store_model};
    let shared = exercise("shared-store");
    let set = exercise("db-set");
    let get = exercise("db-get");
    let shard = exercise("shard-of");
    let sharded = exercise("sharded-server");
    let visits = exercise("visit-counter");
    type S<A> = SharedStore<A>;
    type D<A> = ShardedServer<A>;
    Suite::new(
        3,
        package,
        vec![
            check!(
                shared,
                a_set_on_one_connection_is_visible_on_another::<S<A>>
            ),
            check!(shared, set_and_get_match_the_reference_transcript::<S<A>>),
            check!(
                shared,
                an_unknown_command_gets_an_error_and_the_connection_lives::<S<A>>
            ),
            check!(shared, fifty_concurrent_clients_lose_no_write::<S<A>>),
            check!(
                shared,
                checks::cost::requests_cost_the_same_in_a_big_store::<S<A>>
            )
            .deadline(checks::cost::SERVER_DEADLINE),
            check!(shared, an_idle_client_does_not_block_others::<S<A>>).guard(),
            check!(
                shared,
                checks::protocol::an_error_reply_is_one_frame::<S<A>>
            ),
            check!(
                shared,
                server::the_server_closes_after_the_client_hangs_up::<S<A>>
            ),
            check!(
                shared,
                checks::hygiene::the_listener_closes_when_serve_is_dropped::<S<A>>
            ),
            check!(
                shared,
                checks::hygiene::two_servers_keep_their_own_stores::<S<A>>
            ),
            check!(shared, a_slow_reader_does_not_freeze_the_store::<S<A>>),
            check!(
                shared,
                server::serves_the_next_client_after_one_leaves::<S<A>>
            ),
            check!(
                shared,
                server::a_malformed_frame_gets_an_error_or_a_close::<S<A>>
            ),
            check!(
                shared,
                server::a_client_leaving_mid_command_does_not_stop_the_server::<S<A>>
            ),
            check!(
                shared,
                checks::model::random_sessions_match_the_model::<S<A>, checks::model::SharedStore>
            ),
            check!(
                shared,
                checks::blocking::no_request_blocks_the_runtime::<S<A>, checks::model::SharedStore>
            ),
            check!(set, set_returns_the_value_it_replaces::<A>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(set, set_does_not_lock_twice::<A>)
                .guard()
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(get, writes_from_many_threads_all_land::<A>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(get, reads_from_many_threads_never_find_a_gap::<A>)
                .deadline(RACE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(get, get_returns_what_set_stored::<A>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(shard, a_key_maps_to_the_same_shard_every_time::<A>)
                .guard()
                .deadline(STORE_DEADLINE),
            check!(shard, ten_thousand_keys_spread_evenly::<A>).deadline(STORE_DEADLINE),
            check!(shard, key_families_spread_evenly::<A>).deadline(STORE_DEADLINE),
            check!(
                sharded,
                a_set_on_one_connection_is_visible_on_another::<D<A>>
            ),
            check!(
                sharded,
                checks::protocol::an_error_reply_is_one_frame::<D<A>>
            ),
            check!(
                sharded,
                server::the_server_closes_after_the_client_hangs_up::<D<A>>
            ),
            check!(
                sharded,
                checks::hygiene::the_listener_closes_when_serve_is_dropped::<D<A>>
            ),
            check!(
                sharded,
                checks::hygiene::two_servers_keep_their_own_stores::<D<A>>
            ),
            check!(
                sharded,
                across_shards::fifty_concurrent_clients_lose_no_write::<D<A>>
            ),
            check!(
                sharded,
                checks::model::random_sessions_match_the_model::<D<A>, checks::model::ShardedStore>
            ),
            check!(
                sharded,
                checks::blocking::no_request_blocks_the_runtime::<D<A>, checks::model::ShardedStore>
            ),
            check!(
                sharded,
                an_unknown_command_gets_an_error_and_the_connection_lives::<D<A>>
            ),
            check!(sharded, an_idle_client_does_not_block_others::<D<A>>).guard(),
            // Store model, cost and shard families (helper `store-model`).
            check!(
                set,
                store_model::random_operations_match_a_hashmap_model::<Writes<A>>
            )
            .deadline(RACE_DEADLINE)
            .on_stuck(DOUBLE_LOCK),
            check!(
                get,
                store_model::random_operations_match_a_hashmap_model::<Handle<A>>
            )
            .deadline(RACE_DEADLINE)
            .on_stuck(DOUBLE_LOCK),
            check!(set, cost::calls_cost_the_same_in_a_big_store::<Writes<A>>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(get, cost::calls_cost_the_same_in_a_big_store::<Handle<A>>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            check!(shard, generated_keys_spread_over_any_shard_count::<A>).deadline(STORE_DEADLINE),
            check!(visits, record_visit_runs_as_a_spawned_task::<A>).guard(),
            check!(visits, fifty_concurrent_visits_are_all_counted::<A>),
        ],
    )
}

/// The whole `main` of a chapter-3 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}

// ---------------------------------------------------------------------------
// 3.1 and 3.5: servers with one store

/// The reference sessions, as committed in `tests/transcripts/`.
const SET_GET: &str = include_str!("../../../transcripts/ch03-set-get.snap");
const UNKNOWN: &str = include_str!("../../../transcripts/ch03-unknown-command.snap");

/// SET, GET, GET of a missing key, SET and GET of an empty value, SET
/// again, GET: the exact bytes of the reference server. Catches an empty
/// string for a missing key (or nil for an empty value).
pub fn set_and_get_match_the_reference_transcript<S: Serve>() -> Result<(), Failure> {
    let script = [
        command(&["SET", "hello", "world"]),
        command(&["GET", "hello"]),
        command(&["GET", "missing"]),
        command(&["SET", "empty", ""]),
        command(&["GET", "empty"]),
        command(&["SET", "hello", "again"]),
        command(&["GET", "hello"]),
    ];
    replay::<S>("ch03-set-get", SET_GET, &script, Some(IF_LET_NOT_LOOP))
}

/// PING (unknown to this server) gets an error reply, and the same
/// connection then serves SET and GET. Catches a panic on an unknown
/// command — which, with a shared store, may also poison its lock.
pub fn an_unknown_command_gets_an_error_and_the_connection_lives<S: Serve>() -> Result<(), Failure>
{
    let script = [
        command(&["PING"]),
        command(&["SET", "after", "ping"]),
        command(&["GET", "after"]),
    ];
    replay::<S>(
        "ch03-unknown-command",
        UNKNOWN,
        &script,
        Some(PANIC_ON_UNKNOWN),
    )
}

/// Fifty clients connect (each GETs its key, still missing, to be sure
/// it is served), then all at once each SETs a key of its own and GETs it
/// back; a fresh connection then GETs all fifty. Catches writes into a
/// copy of the map (lost), and a store that ignores the key.
pub fn fifty_concurrent_clients_lose_no_write<S: Serve>() -> Result<(), Failure> {
    checks::store::fifty_concurrent_clients_lose_no_write::<S>(None)
}

/// The sharded server's form of the fifty-client check.
mod across_shards {
    use super::*;

    /// The same check, for the sharded server: a client that cannot read
    /// back its own key right after writing it points at the choice of
    /// shard. Catches a shard chosen by a randomly seeded hash.
    pub fn fifty_concurrent_clients_lose_no_write<S: Serve>() -> Result<(), Failure> {
        checks::store::fifty_concurrent_clients_lose_no_write::<S>(Some(UNSTABLE_SHARD))
    }
}

/// A silent client (after one command) stays connected while another is
/// served. Catches a lock taken for a whole connection — a
/// `tokio::sync::Mutex` guard held while the task waits for the next
/// command.
pub fn an_idle_client_does_not_block_others<S: Serve>() -> Result<(), Failure> {
    checks::server::idle_client_does_not_block_others::<S>(true, LOCK_ACROSS_AWAIT)
}
