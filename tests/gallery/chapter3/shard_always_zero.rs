//! `shard_of` that always answers 0: perfectly stable, and one big lock.
//! Not counted by `3.4 a_key_maps_to_the_same_shard_every_time` (a guard).

pub struct ShardedDb {
    shards: usize,
}

impl ShardedDb {
    pub fn new(shards: usize) -> ShardedDb {
        ShardedDb { shards }
    }

    pub fn shard_of(&self, _key: &str) -> usize {
        let _ = self.shards;
        0
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter3::Api for Entry {
    type Db = ();
    type ShardedDb = ShardedDb;
    type VisitCounter = ();
    fn sharded_new(shards: usize) -> ShardedDb {
        ShardedDb::new(shards)
    }
    fn shard_of(db: &ShardedDb, key: &str) -> usize {
        db.shard_of(key)
    }
}
