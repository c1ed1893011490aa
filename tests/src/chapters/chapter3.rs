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
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;

use crate::checks::{self, server::replay};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::{RedisFixture, Serve, block_on, command, serving};
use crate::manifest::exercise;
use crate::mistakes::{
    DOUBLE_LOCK, GET_REMOVES, GUARD_ACROSS_AWAIT, IF_LET_NOT_LOOP, LOCK_ACROSS_AWAIT, LOST_UPDATE,
    LOST_WRITE, PANIC_ON_UNKNOWN, UNEVEN_SHARDS, UNSTABLE_SHARD,
};
use crate::probe::MaybeSend;
use crate::suite::Suite;

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
const STORE_DEADLINE: Duration = Duration::from_secs(3);

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    use checks::server;
    use checks::store::{
        a_set_on_one_connection_is_visible_on_another, a_slow_reader_does_not_freeze_the_store,
    };
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
            check!(shared, an_idle_client_does_not_block_others::<S<A>>).guard(),
            check!(
                shared,
                checks::protocol::an_error_reply_is_one_frame::<S<A>>
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
                .deadline(STORE_DEADLINE)
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
                across_shards::fifty_concurrent_clients_lose_no_write::<D<A>>
            ),
            check!(
                sharded,
                checks::model::random_sessions_match_the_model::<D<A>, checks::model::ShardedStore>
            ),
            check!(
                sharded,
                an_unknown_command_gets_an_error_and_the_connection_lives::<D<A>>
            ),
            check!(sharded, an_idle_client_does_not_block_others::<D<A>>).guard(),
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
const SET_GET: &str = include_str!("../../transcripts/ch03-set-get.snap");
const UNKNOWN: &str = include_str!("../../transcripts/ch03-unknown-command.snap");

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

// ---------------------------------------------------------------------------
// 3.2 and 3.3: the store handle

fn show(value: Option<&Bytes>) -> String {
    value.map_or("None".to_owned(), |b| {
        format!("Some({})", describe_bytes(b))
    })
}

/// One call of `set`: the handle and its name, key, value, and the value
/// the call must return.
type SetStep<'a, D> = (
    &'a D,
    &'a str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// `set` returns the value it replaced — `None` for a new key — and a
/// clone of the handle writes into the same map. Catches a `set` that
/// writes into a copy of the map.
pub fn set_returns_the_value_it_replaces<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    let clone = db.clone();
    let steps: [SetStep<'_, A::Db>; 4] = [
        (&db, "db", "hello", "one", None),
        (&db, "db", "hello", "two", Some("one")),
        (&db, "db", "other", "three", None),
        (&clone, "db.clone()", "hello", "four", Some("two")),
    ];
    let mut history: Vec<String> = Vec::new();
    for (handle, name, key, value, expected) in steps {
        let call = format!("{name}.set(\"{key}\", \"{value}\")");
        let got = A::db_set(handle, key.to_owned(), Bytes::from(value));
        let expected = expected.map(Bytes::from);
        if got != expected {
            let before = if history.is_empty() {
                "On a new Db".to_owned()
            } else {
                format!("After {}", history.join(", "))
            };
            let failure =
                Failure::new(format!("{before}, {call} returned {}.", show(got.as_ref())))
                    .expected(match &expected {
                        Some(old) => {
                            format!("Some({}): the value it replaced", describe_bytes(old))
                        }
                        None => "None: the key had no value yet".to_owned(),
                    });
            return Err(if expected.is_some() && got.is_none() {
                failure.mistake(LOST_WRITE)
            } else {
                failure
            });
        }
        history.push(call);
    }
    Ok(())
}

/// Setting a new key and then the same key again both return. A `set`
/// that locks while it already holds the lock (by calling `get`, say)
/// waits for itself forever; the harness names that deadlock.
pub fn set_does_not_lock_twice<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"one"));
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"two"));
    Ok(())
}

/// `get` finds nothing on a new store, then finds what `set` stored —
/// twice, and through a clone of the handle. Catches a `get` that takes
/// the value out of the map.
pub fn get_returns_what_set_stored<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    if let Some(value) = A::db_get(&db, "hello") {
        return Err(Failure::new(format!(
            "On a new Db, db.get(\"hello\") returned {}.",
            show(Some(&value))
        ))
        .expected("None: nothing was stored yet"));
    }
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"world"));
    let clone = db.clone();
    let reads = [(&db, "db"), (&db, "db"), (&clone, "db.clone()")];
    for (n, (handle, name)) in reads.into_iter().enumerate() {
        let got = A::db_get(handle, "hello");
        if got.as_deref() == Some(b"world".as_slice()) {
            continue;
        }
        let failure = Failure::new(format!(
            "After db.set(\"hello\", \"world\"), read {} of 3, {name}.get(\"hello\"), \
             returned {}.",
            n + 1,
            show(got.as_ref())
        ))
        .expected("Some(\"world\"), every time");
        return Err(if n > 0 && got.is_none() {
            failure.mistake(GET_REMOVES)
        } else {
            failure
        });
    }
    Ok(())
}

/// How many threads share one store in the threaded store checks.
const THREADS: usize = 4;

/// Runs `work(rng, handle)` on [`THREADS`] threads at once, each with a
/// clone of `db` and a generator of its own drawn from the run's seed; a
/// panic on any of them is the learner's.
fn on_threads<D: Clone + Send + 'static, T: Send + 'static>(
    db: &D,
    work: fn(crate::seed::Rng, D) -> T,
) -> Result<Vec<T>, Failure> {
    let mut seeds = crate::seed::rng();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, rng) = (db.clone(), crate::seed::Rng::new(seeds.next_u64()));
            std::thread::spawn(move || work(rng, db))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .map_err(|_| Failure::new("Your store panicked on one of the threads."))
        })
        .collect()
}

/// Four threads, each with a clone of one `Db`, write keys of their own
/// (random, mixed case, binary values) into a store that already holds
/// others; every value is then there, through any handle. Catches writes
/// that go to a copy of the map, and a store that loses writes under
/// contention.
pub fn writes_from_many_threads_all_land<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    // State the learner's code did not create.
    A::db_set(
        &db,
        "already:here".to_owned(),
        Bytes::from_static(b"before"),
    );
    let written = on_threads(&db, |mut rng, db| {
        let thread = rng.next_u64() % 1_000;
        (0..200)
            .map(|i| {
                let key = format!("t{thread}:{i}:{}", rng.key());
                let value = Bytes::from(rng.value(64));
                A::db_set(&db, key.clone(), value.clone());
                (key, value)
            })
            .collect::<Vec<_>>()
    })?;
    let mut lost = Vec::new();
    for (key, value) in written.iter().flatten() {
        if A::db_get(&db, key).as_ref() != Some(value) {
            lost.push(key.clone());
        }
    }
    if A::db_get(&db, "already:here").as_deref() != Some(b"before".as_slice()) {
        lost.push("already:here".to_owned());
    }
    if lost.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "{THREADS} threads each wrote 200 keys through a clone of one Db; afterwards {} of \
         the {} keys did not read back what was written (first: {:?}).",
        lost.len(),
        THREADS * 200 + 1,
        lost[0]
    ))
    .expected("every value written, through any handle")
    .mistake(LOST_WRITE))
}

/// Four threads read one key, stored before they start, thousands of times
/// at once: every read finds it. Catches a `get` that takes the value out
/// and puts it back, so that another reader finds the key empty between.
pub fn reads_from_many_threads_never_find_a_gap<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    A::db_set(&db, "hot".to_owned(), Bytes::from_static(b"always here"));
    let misses = on_threads(&db, |_rng, db| {
        (0..20_000)
            .filter(|_| A::db_get(&db, "hot").as_deref() != Some(b"always here".as_slice()))
            .count()
    })?;
    let missed: usize = misses.iter().sum();
    if missed == 0 {
        return Ok(());
    }
    Err(Failure::new(format!(
        "{THREADS} threads read the key \"hot\" 20,000 times each, at once; {missed} of the \
         reads did not find its value, which nobody changed."
    ))
    .expected("Some(\"always here\") on every read")
    .mistake(GET_REMOVES))
}

// ---------------------------------------------------------------------------
// 3.4 Choosing a shard

const SHARD_KEYS: [&str; 5] = [
    "hello",
    "user:1000",
    "visits:home",
    "",
    "a longer key, with spaces, that spans a few words",
];

/// `shard_of` gives a key the same shard on every call, on a second store
/// with as many shards, and on a store made on another thread. Catches a
/// shard chosen by a randomly seeded hasher (`RandomState`).
pub fn a_key_maps_to_the_same_shard_every_time<A: Api>() -> Result<(), Failure> {
    const SHARDS: usize = 16;
    const CALLS: usize = 20;
    let first = A::sharded_new(SHARDS);
    let second = A::sharded_new(SHARDS);
    let unstable = |key: &str, what: String| {
        Failure::new(format!("shard_of(\"{key}\") {what}."))
            .expected("the same shard for a key every time, in every store of 16 shards")
            .mistake(UNSTABLE_SHARD)
    };
    let mut shards = Vec::with_capacity(SHARD_KEYS.len());
    for key in SHARD_KEYS {
        let once = A::shard_of(&first, key);
        // Many calls, so a hash seeded at random cannot agree by luck.
        if (1..CALLS).any(|_| A::shard_of(&first, key) != once) {
            return Err(unstable(
                key,
                format!("did not return the same shard on {CALLS} calls on one store"),
            ));
        }
        let other = A::shard_of(&second, key);
        if other != once {
            return Err(unstable(
                key,
                format!("returned {once} on one store and {other} on another of 16 shards"),
            ));
        }
        shards.push(once);
    }
    // A store made on another thread: per-thread random seeds show up here.
    let elsewhere = std::thread::spawn(|| {
        let db = A::sharded_new(SHARDS);
        SHARD_KEYS.map(|key| A::shard_of(&db, key))
    })
    .join()
    .map_err(|_| Failure::new("shard_of panicked on another thread."))?;
    for ((key, here), there) in SHARD_KEYS.iter().zip(shards).zip(elsewhere) {
        if here != there {
            return Err(unstable(
                key,
                format!("returned {here} here and {there} for a store made on another thread"),
            ));
        }
    }
    Ok(())
}

/// 10,000 keys (`key:0` … `key:9999`) spread over 16 shards, and over 7,
/// with no shard above 1.5 × the mean, and every index below the shard
/// count. Catches a shard chosen from the key's length (or first byte), and
/// a shard count written into `shard_of` instead of read from the store.
pub fn ten_thousand_keys_spread_evenly<A: Api>() -> Result<(), Failure> {
    const KEYS: usize = 10_000;
    for shards in [16, 7] {
        let db = A::sharded_new(shards);
        let mut counts = vec![0usize; shards];
        for i in 0..KEYS {
            let key = format!("key:{i}");
            let shard = A::shard_of(&db, &key);
            let Some(count) = counts.get_mut(shard) else {
                return Err(Failure::new(format!(
                    "On a store of {shards} shards (indices 0 to {}), shard_of(\"{key}\") \
                     returned {shard}.",
                    shards - 1
                ))
                .expected(format!(
                    "an index below {shards}: the hash modulo shard_count()"
                )));
            };
            *count += 1;
        }
        let mean = KEYS as f64 / shards as f64;
        let limit = 1.5 * mean;
        let (fullest, most) = counts
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|&(_, count)| count)
            .unwrap_or_default();
        if most as f64 > limit {
            return Err(Failure::new(format!(
                "{KEYS} keys (key:0 to key:9999) over {shards} shards: shard {fullest} holds \
                 {most}, more than 1.5 × the mean of {mean:.0}."
            ))
            .expected(format!("at most {limit:.0} keys in any shard"))
            .got(format!("keys per shard: {counts:?}"))
            .mistake(UNEVEN_SHARDS));
        }
    }
    Ok(())
}

/// Keys that trip a hash that does not mix: long shared prefixes,
/// permutations of the same bytes, sequential ids after a random prefix.
fn key_families() -> Vec<(&'static str, Vec<String>)> {
    let mut rng = crate::seed::rng();
    let prefix = format!("user:session:2026-11-29:region-eu-west:{}:", rng.key());
    let shared = (0..5_000)
        .map(|_| format!("{prefix}{}", rng.next_u64()))
        .collect();
    let mut letters: Vec<u8> = b"tokio-rs".to_vec();
    let mut permutations = Vec::with_capacity(5_000);
    for _ in 0..5_000 {
        rng.shuffle(&mut letters);
        permutations.push(String::from_utf8_lossy(&letters).into_owned());
    }
    let start = rng.range(0..1_000_000);
    let sequential = (start..start + 5_000)
        .map(|i| format!("order:{i}"))
        .collect();
    vec![
        ("keys with a long shared prefix", shared),
        ("permutations of the bytes of \"tokio-rs\"", permutations),
        ("sequential ids", sequential),
    ]
}

/// Families of keys that share most of their bytes spread over 13 shards
/// (and a store of 1 shard puts every key in shard 0). Catches a shard
/// chosen from the first or last bytes, a sum of the bytes, or anything
/// else such keys have in common.
pub fn key_families_spread_evenly<A: Api>() -> Result<(), Failure> {
    let one = A::sharded_new(1);
    if let Some(key) = ["a", "hello", ""]
        .into_iter()
        .find(|k| A::shard_of(&one, k) != 0)
    {
        return Err(Failure::new(format!(
            "On a store of 1 shard, shard_of({key:?}) returned {}.",
            A::shard_of(&one, key)
        ))
        .expected("0: the only shard"));
    }
    const SHARDS: usize = 13;
    let db = A::sharded_new(SHARDS);
    for (family, keys) in key_families() {
        let mut counts = vec![0usize; SHARDS];
        for key in &keys {
            match counts.get_mut(A::shard_of(&db, key)) {
                Some(count) => *count += 1,
                None => {
                    return Err(Failure::new(format!(
                        "On a store of {SHARDS} shards, shard_of({key:?}) returned {}.",
                        A::shard_of(&db, key)
                    ))
                    .expected(format!("an index below {SHARDS}")));
                }
            }
        }
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        let mean = distinct.len() as f64 / SHARDS as f64;
        let most = counts.iter().copied().max().unwrap_or_default();
        // Permutations repeat; judge by the keys that differ.
        if most as f64 > 1.5 * mean.max(1.0) * (keys.len() as f64 / distinct.len() as f64) {
            return Err(Failure::new(format!(
                "{} {family} (such as {:?}) over {SHARDS} shards: one shard holds {most}.",
                keys.len(),
                keys[0]
            ))
            .expected(format!(
                "about {:.0} in each shard",
                keys.len() as f64 / SHARDS as f64
            ))
            .got(format!("keys per shard: {counts:?}"))
            .mistake(UNEVEN_SHARDS));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3.6 One connection, many tasks

/// How long the visits may take before a check gives up on them.
fn visit_timeout() -> Duration {
    crate::harness::scaled(Duration::from_secs(5))
}
/// How many tasks record a visit at once.
const VISITS: u64 = 50;

/// Connects the counter's shared client to the fixture.
async fn counter_client(addr: SocketAddr) -> Result<mini_redis::client::Client, Failure> {
    mini_redis::client::connect(addr)
        .await
        .map_err(|e| Failure::new(format!("The grader could not connect to its server: {e}")))
}

fn not_send() -> Failure {
    Failure::new("record_visit's future is not Send: `tokio::spawn` would refuse it.")
        .expected("a future that is Send, so request tasks can run it on any worker thread")
        .mistake(GUARD_ACROSS_AWAIT)
}

/// What the server holds under `key`, as text for a message.
fn held(redis: &RedisFixture, key: &str) -> Result<Option<Bytes>, Failure> {
    redis
        .get(key)
        .map_err(|e| Failure::new(format!("The grader could not check the server: {e}")))
}

fn show_held(value: Option<&Bytes>) -> String {
    value.map_or("(nothing)".to_owned(), |v| describe_bytes(v))
}

/// `record_visit` runs in a spawned task — its future is `Send` — and one
/// visit counts once: it returns 1, `seen` says 1, and the server holds
/// `visits:home` = 1. Catches a std `MutexGuard` alive across an `.await`.
pub fn record_visit_runs_as_a_spawned_task<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (returned, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let returned = match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
            MaybeSend::Send(visit) => {
                match tokio::time::timeout(visit_timeout(), tokio::spawn(visit)).await {
                    Ok(Ok(Ok(total))) => format!("Ok({total})"),
                    Ok(Ok(Err(e))) => format!("Err({e})"),
                    Ok(Err(e)) => format!("nothing: the task failed ({e})"),
                    Err(_) => format!(
                        "nothing within {}",
                        crate::harness::runner::seconds(visit_timeout())
                    ),
                }
            }
            MaybeSend::NotSend(visit) => {
                // Run it here first: if it is the stub, its `todo!()` speaks.
                let _ = tokio::time::timeout(visit_timeout(), visit).await;
                return Err(not_send());
            }
        };
        Ok::<_, Failure>((returned, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    if returned == "Ok(1)" && seen == 1 && total.as_deref() == Some(b"1".as_slice()) {
        return Ok(());
    }
    Err(Failure::new("One visit of \"home\", recorded by a spawned task, was not counted once.")
        .sent(redis.sent())
        .received(redis.received())
        .expected("record_visit returns Ok(1); seen(\"home\") is 1; the server holds visits:home = \"1\"")
        .got(format!(
            "record_visit returned {returned}; seen(\"home\") is {seen}; the server holds \
             visits:home = {}",
            show_held(total.as_ref())
        )))
}

/// Fifty spawned tasks record a visit of the same page at once, through
/// one shared connection: the server's total is 50, the totals returned
/// are 1 to 50, and the tally in memory is 50. Catches a Tokio lock that
/// is let go between the GET and the SET.
pub fn fifty_concurrent_visits_are_all_counted<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (mut totals, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let mut tasks = Vec::new();
        for _ in 0..VISITS {
            match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
                MaybeSend::Send(visit) => tasks.push(tokio::spawn(visit)),
                MaybeSend::NotSend(visit) => {
                    let _ = tokio::time::timeout(visit_timeout(), visit).await;
                    return Err(not_send());
                }
            }
        }
        let mut totals = Vec::with_capacity(tasks.len());
        for task in tasks {
            match tokio::time::timeout(visit_timeout(), task).await {
                Ok(Ok(Ok(total))) => totals.push(total),
                Ok(Ok(Err(e))) => {
                    return Err(Failure::new(format!(
                        "A visit's record_visit returned Err({e})."
                    )));
                }
                Ok(Err(e)) => return Err(Failure::new(format!("A visit's task failed: {e}"))),
                Err(_) => {
                    return Err(Failure::new(format!(
                        "{VISITS} visits at once did not finish within {}.",
                        crate::harness::runner::seconds(visit_timeout())
                    )));
                }
            }
        }
        Ok::<_, Failure>((totals, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    totals.sort_unstable();
    let expected: Vec<u64> = (1..=VISITS).collect();
    if total.as_deref() != Some(VISITS.to_string().as_bytes()) || totals != expected {
        totals.dedup();
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\" at the same time; the server \
             holds visits:home = {}.",
            show_held(total.as_ref())
        ))
        .expected(format!(
            "visits:home = \"{VISITS}\", and each task's record_visit returning a different \
             total, 1 to {VISITS}"
        ))
        .got(format!(
            "totals returned: {} different, the highest {}",
            totals.len(),
            totals.last().copied().unwrap_or(0)
        ))
        .mistake(LOST_UPDATE));
    }
    if seen != VISITS {
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\"; seen(\"home\") is {seen}."
        ))
        .expected(format!(
            "{VISITS}: every visit counted in this process's tally as well"
        )));
    }
    Ok(())
}
