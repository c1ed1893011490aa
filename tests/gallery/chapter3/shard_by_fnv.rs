//! A right `shard_of` written differently: FNV-1a, the hash the book names
//! beside `DefaultHasher::new()`, as a learner would copy it from its
//! definition (no folding of the high bits). Stable, and over the grader's
//! 13 shards (a prime, so `%` reads every bit) it spreads keys evenly:
//! every check of 3.4 must accept it.

pub struct ShardedDb {
    shards: usize,
}

impl ShardedDb {
    pub fn new(shards: usize) -> ShardedDb {
        ShardedDb { shards }
    }

    pub fn shard_of(&self, key: &str) -> usize {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        (hash % self.shards as u64) as usize
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
