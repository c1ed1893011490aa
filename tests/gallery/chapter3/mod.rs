//! Known-wrong chapter-3 code, one module per mistake.
//!
//! Each entry writes out the function (or type) that carries its mistake
//! and implements the chapter's `Api` for a type `Entry` with just that:
//! the trait's defaults stand in for the rest, which its designated check
//! never calls.

pub mod answers_set_twice;
pub mod arc_new_in_loop;
pub mod copies_the_map;
pub mod double_lock;
pub mod get_clones_the_map;
pub mod get_puts_back;
pub mod get_removes;
pub mod get_rewrites;
pub mod get_via_iter_find;
pub mod lock_per_command;
pub mod nil_as_empty;
pub mod panics_holding_the_lock;
pub mod random_state_shard;
pub mod replies_popped;
pub mod set_clones_and_writes_back;
pub mod set_does_nothing;
pub mod set_forgets_old_value;
pub mod set_on_a_copy;
pub mod shard_always_zero;
pub mod shard_by_byte_sum;
pub mod shard_by_fnv;
pub mod shard_by_length;
pub mod shard_from_sixteen;
pub mod sharded_db_per_connection;
pub mod sleeps_between_commands;
pub mod spin_relock;
pub mod static_store;
pub mod std_guard_across_await;
pub mod store_behind_an_rwlock;
pub mod store_per_connection;
pub mod string_values;
pub mod tokio_mutex_across_write;
pub mod tokio_mutex_per_connection;
pub mod unstable_shard_server;

use std::collections::HashMap;
use std::hash::{BuildHasher, DefaultHasher, Hash, Hasher, RandomState};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use mini_redis::{Command, Frame};

/// Runs one frame against `store`: SET answers `+OK`, GET the value or
/// nil, anything else an error frame.
pub fn apply(store: &mut HashMap<String, Bytes>, frame: Frame) -> Frame {
    match Command::from_frame(frame) {
        Ok(Command::Set(cmd)) => {
            store.insert(cmd.key().to_owned(), cmd.value().clone());
            Frame::Simple("OK".into())
        }
        Ok(Command::Get(cmd)) => store
            .get(cmd.key())
            .map_or(Frame::Null, |v| Frame::Bulk(v.clone())),
        _ => Frame::Error("ERR unknown command".into()),
    }
}

/// A sharded store for the server entries, choosing each key's shard
/// with `hash`.
pub struct Shards {
    maps: Vec<Mutex<HashMap<String, Bytes>>>,
    hash: fn(&str) -> u64,
}

impl Shards {
    /// `count` empty shards.
    pub fn new(count: usize, hash: fn(&str) -> u64) -> Arc<Shards> {
        Arc::new(Shards {
            maps: (0..count).map(|_| Mutex::default()).collect(),
            hash,
        })
    }

    fn shard(&self, key: &str) -> &Mutex<HashMap<String, Bytes>> {
        let count = self.maps.len() as u64;
        &self.maps[((self.hash)(key) % count) as usize]
    }

    /// Runs one frame against the key's shard, like [`apply`].
    pub fn apply(&self, frame: Frame) -> Frame {
        match Command::from_frame(frame) {
            Ok(Command::Set(cmd)) => {
                let mut shard = self.shard(cmd.key()).lock().unwrap();
                shard.insert(cmd.key().to_owned(), cmd.value().clone());
                Frame::Simple("OK".into())
            }
            Ok(Command::Get(cmd)) => {
                let shard = self.shard(cmd.key()).lock().unwrap();
                shard
                    .get(cmd.key())
                    .map_or(Frame::Null, |v| Frame::Bulk(v.clone()))
            }
            _ => Frame::Error("ERR unknown command".into()),
        }
    }
}

/// The right hash for a shard: fixed keys.
pub fn stable_hash(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// The wrong one: fresh random keys on every call.
pub fn random_hash(key: &str) -> u64 {
    RandomState::new().hash_one(key)
}

/// Exercise 3.6's counter, as given: the entries differ in `record_visit`.
pub struct VisitCounter {
    pub seen: Mutex<HashMap<String, u64>>,
    pub redis: tokio::sync::Mutex<mini_redis::client::Client>,
}

impl VisitCounter {
    /// As given.
    pub fn new(redis: mini_redis::client::Client) -> VisitCounter {
        VisitCounter {
            seen: Mutex::default(),
            redis: tokio::sync::Mutex::new(redis),
        }
    }

    /// As given.
    pub fn seen(&self, page: &str) -> u64 {
        self.seen.lock().unwrap().get(page).copied().unwrap_or(0)
    }
}

/// A stored count: decimal text, or nothing for 0.
pub fn parse_count(value: Option<Bytes>) -> mini_redis::Result<u64> {
    match value {
        None => Ok(0),
        Some(v) => Ok(std::str::from_utf8(&v)?.parse()?),
    }
}
pub mod clones_the_map_per_get;
