//! `unstable-shard`: the shard is picked with `RandomState`, which is
//! seeded afresh each time.
//! Rejected by `3.4 a_key_maps_to_the_same_shard_every_time`.

use std::hash::{BuildHasher, RandomState};

pub use super::elsewhere::{Db, VisitCounter, record_visit, serve, serve_sharded};

pub struct ShardedDb {
    shards: usize,
}

impl ShardedDb {
    pub fn new(shards: usize) -> ShardedDb {
        ShardedDb { shards }
    }

    pub fn shard_of(&self, key: &str) -> usize {
        let hash = RandomState::new().hash_one(key);
        (hash % self.shards as u64) as usize
    }
}
