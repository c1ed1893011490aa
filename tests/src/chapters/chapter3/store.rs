//! Exercises 3.2 to 3.4: the store handle and the choice of shard, called
//! directly, from one thread and from several.

use std::marker::PhantomData;
use std::time::Instant;

use bytes::Bytes;

use super::Api;
use crate::checks::store_model::Store;
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::interleave::{self, Interleaver};
use crate::mistakes::{GET_REMOVES, LOST_WRITE, UNEVEN_SHARDS, UNSTABLE_SHARD};

// ---------------------------------------------------------------------------
// 3.2 and 3.3: the store handle

/// Exercise 3.2's `Db` for the shared store checks: `new` and `set` only,
/// since `get` is still exercise 3.3's `todo!()`.
pub struct Writes<A>(PhantomData<A>);
/// Exercise 3.3's `Db`: `set` and `get`.
pub struct Handle<A>(PhantomData<A>);

impl<A: Api> Store for Writes<A> {
    type Handle = A::Db;
    const READS: bool = false;
    fn new() -> A::Db {
        A::db_new()
    }
    fn set(db: &A::Db, key: String, value: Bytes) -> Option<Bytes> {
        A::db_set(db, key, value)
    }
    fn get(_: &A::Db, _: &str) -> Option<Bytes> {
        None
    }
}

impl<A: Api> Store for Handle<A> {
    type Handle = A::Db;
    const READS: bool = true;
    fn new() -> A::Db {
        A::db_new()
    }
    fn set(db: &A::Db, key: String, value: Bytes) -> Option<Bytes> {
        A::db_set(db, key, value)
    }
    fn get(db: &A::Db, key: &str) -> Option<Bytes> {
        A::db_get(db, key)
    }
}

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
/// clone of `db` and a generator of its own drawn from the run's seed,
/// while an [`Interleaver`] freezes them at random points (each call
/// `work` makes is followed by [`interleave::step`]); a panic on any of
/// them is the learner's.
fn on_threads<D: Clone + Send + 'static, T: Send + 'static>(
    db: &D,
    work: fn(crate::seed::Rng, D) -> T,
) -> Result<Vec<T>, Failure> {
    let mut seeds = crate::seed::rng();
    let interleaver = Interleaver::start();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, rng) = (db.clone(), crate::seed::Rng::new(seeds.next_u64()));
            let workers = interleaver.workers();
            std::thread::spawn(move || {
                let _worker = workers.enter();
                work(rng, db)
            })
        })
        .collect();
    let results = handles
        .into_iter()
        .map(|h| {
            h.join()
                .map_err(|_| Failure::new("Your store panicked on one of the threads."))
        })
        .collect();
    interleaver.finish();
    results
}

/// Whether a thread of [`on_threads`] that made `calls` calls should go
/// on: until it made `at_least`, and the interleaver froze a thread while
/// the others went on often enough (or the time is up).
fn keep_going(calls: usize, at_least: usize, began: Instant) -> bool {
    calls < at_least || !(interleave::enough_freezes() || interleave::time_is_up(began))
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
                interleave::step();
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
        let (mut calls, mut misses) = (0, 0);
        let began = Instant::now();
        while keep_going(calls, 20_000, began) {
            if A::db_get(&db, "hot").as_deref() != Some(b"always here".as_slice()) {
                misses += 1;
                // Enough to know; the count says "at least".
                if misses >= 100 {
                    break;
                }
            }
            interleave::step();
            calls += 1;
        }
        misses
    })?;
    let missed: usize = misses.iter().sum();
    if missed == 0 {
        return Ok(());
    }
    Err(Failure::new(format!(
        "{THREADS} threads read the key \"hot\" at once, 20,000 times each or more; {missed} \
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

/// Shard counts to try: one shard, powers of two and numbers that are not.
const SHARD_COUNTS: [usize; 7] = [1, 2, 3, 5, 12, 31, 100];
/// Keys in each generated family.
const FAMILY: usize = 4_000;

/// Families of keys drawn from the run's seed: the grader's usual keys
/// (mixed case, non-ASCII), keys that differ only in their last two
/// characters after a long random prefix, and bare numbers.
fn generated_families() -> Vec<(&'static str, Vec<String>)> {
    let mut rng = crate::seed::rng();
    let mut mixed = std::collections::BTreeSet::new();
    while mixed.len() < FAMILY {
        mixed.insert(rng.key());
    }
    let prefix: String = (0..rng.range(40..120))
        .map(|_| char::from(rng.range(0x61..0x7b) as u8))
        .collect();
    let tail: Vec<char> = ('0'..='9').chain('a'..='z').chain('A'..='Z').collect();
    let mut endings = Vec::with_capacity(FAMILY);
    'pairs: for a in &tail {
        for b in &tail {
            if endings.len() == FAMILY {
                break 'pairs;
            }
            endings.push(format!("{prefix}{a}{b}"));
        }
    }
    let start = rng.range(0..1_000_000);
    let numbers = (start..start + FAMILY).map(|n| n.to_string()).collect();
    vec![
        (
            "generated keys, in mixed case and non-ASCII",
            mixed.into_iter().collect(),
        ),
        (
            "keys that differ only in their last two characters",
            endings,
        ),
        ("sequential numbers", numbers),
    ]
}

/// Over stores of 1, 2, 3, 5, 12, 31 and 100 shards, and generated key
/// families, `shard_of` returns an index below the shard count, the same
/// one again on a second call, on a second store and on another thread,
/// and spreads each family with no shard far above the mean (six standard
/// deviations of a fair spread). Catches a shard count written into
/// `shard_of`, or folded in from a fixed one (`hash % 16 % count`), a mask
/// that is right only for powers of two (`uneven-shards`), and a hash
/// seeded at random (`unstable-shard`).
pub fn generated_keys_spread_over_any_shard_count<A: Api>() -> Result<(), Failure> {
    let families = std::sync::Arc::new(generated_families());
    for shards in SHARD_COUNTS {
        let (db, again) = (A::sharded_new(shards), A::sharded_new(shards));
        // The same keys' shards from a store made on another thread.
        let elsewhere = {
            let families = std::sync::Arc::clone(&families);
            std::thread::spawn(move || {
                let db = A::sharded_new(shards);
                families
                    .iter()
                    .map(|(_, keys)| keys.iter().map(|k| A::shard_of(&db, k)).collect())
                    .collect::<Vec<Vec<usize>>>()
            })
            .join()
            .map_err(|_| Failure::new("shard_of panicked on another thread."))?
        };
        for ((family, keys), there) in families.iter().zip(elsewhere) {
            let mut counts = vec![0usize; shards];
            for (key, there) in keys.iter().zip(there) {
                let shard = A::shard_of(&db, key);
                let Some(count) = counts.get_mut(shard) else {
                    return Err(Failure::new(format!(
                        "On a store of {shards} shards, shard_of({key:?}) returned {shard}."
                    ))
                    .expected(format!(
                        "an index below {shards}: the hash modulo shard_count()"
                    )));
                };
                *count += 1;
                let (second, other) = (A::shard_of(&db, key), A::shard_of(&again, key));
                if second != shard || other != shard || there != shard {
                    return Err(Failure::new(format!(
                        "On stores of {shards} shards, shard_of({key:?}) returned {shard}, then \
                         {second} on a second call, {other} on a second store, and {there} on a \
                         store made on another thread."
                    ))
                    .expected(
                        "the same shard for a key every time, in every store of as many shards",
                    )
                    .mistake(UNSTABLE_SHARD));
                }
            }
            let mean = keys.len() as f64 / shards as f64;
            let limit = mean + 6.0 * mean.sqrt();
            let (fullest, most) = counts
                .iter()
                .copied()
                .enumerate()
                .max_by_key(|&(_, count)| count)
                .unwrap_or_default();
            if most as f64 > limit {
                return Err(Failure::new(format!(
                    "{} {family} (such as {:?}) over {shards} shards: shard {fullest} holds \
                     {most}, where a fair spread puts about {mean:.0} in each.",
                    keys.len(),
                    keys[0]
                ))
                .expected(format!("at most {limit:.0} keys in any shard"))
                .got(format!("keys per shard: {counts:?}"))
                .mistake(UNEVEN_SHARDS));
            }
        }
    }
    Ok(())
}
