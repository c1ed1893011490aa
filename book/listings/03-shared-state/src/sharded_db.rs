//! Exercise 3.4: many locks instead of one.
//!
//! With one mutex, every command of every client takes its turn at the
//! same lock. A sharded store splits the map into several maps, each with
//! a lock of its own, and keeps each key in one of them, chosen from a hash
//! of the key. Two commands then wait for each other only when their keys
//! share a shard.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

/// How many shards the server's store has: a few times the number of
/// worker threads, so two busy tasks rarely want the same one.
pub const SHARDS: usize = 16;

// ANCHOR: sharded_db
/// A handle on a store split into shards, each a map behind a lock of its
/// own. Clones share the shards.
#[derive(Debug, Clone)]
pub struct ShardedDb {
    shards: Arc<[Mutex<HashMap<String, Bytes>>]>,
}

impl ShardedDb {
    /// A store of `shards` empty shards.
    ///
    /// # Panics
    /// If `shards` is 0: a key must live somewhere.
    pub fn new(shards: usize) -> ShardedDb {
        assert!(shards > 0, "a sharded store needs at least one shard");
        ShardedDb {
            shards: (0..shards).map(|_| Mutex::default()).collect(),
        }
    }

    /// How many shards there are.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The value stored under `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        // Only this key's shard is locked; the others stay free.
        let shard = &self.shards[self.shard_of(key)];
        shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Stores `value` under `key`, and returns the value it replaced.
    pub fn set(&self, key: String, value: Bytes) -> Option<Bytes> {
        let shard = &self.shards[self.shard_of(&key)];
        shard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value)
    }
}
// ANCHOR_END: sharded_db

impl ShardedDb {
    // ANCHOR: shard_of
    /// The index of the shard that holds `key`, below
    /// [`shard_count`](Self::shard_count). A key gets the same index every
    /// time, from every store with the same number of shards.
    pub fn shard_of(&self, key: &str) -> usize {
        // Exercise 3.4 — requirements:
        //  1. Hash the whole key with a hasher whose keys are fixed, such as
        //     `std::hash::DefaultHasher::new()`: never one seeded at random
        //     (`RandomState`).
        //  2. Return the hash modulo `self.shard_count()`: always below the number of
        //     shards.
        // Check your work: cargo test -p chapter-3 -- 3.4
        todo!(
            "3.4: hash `key` with a hasher that is the same every time, and pick a shard from the hash"
        )
    }
    // ANCHOR_END: shard_of
}
