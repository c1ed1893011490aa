//! Given: the sharded store of chapter 3, with binary keys.
//!
//! Redis keys are bytes, not text, so the store maps `Bytes` to `Bytes`.
//! Each key lives in one of [`SHARDS`] maps, each behind its own
//! `std::sync::Mutex`: connections that touch different shards never wait
//! for each other, and no lock is ever held across an `.await` (every
//! method here is synchronous).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

/// How many shards the server's store has.
pub const SHARDS: usize = 16;

/// A handle on a store of bytes, split over shards. Clones share the
/// shards.
#[derive(Clone, Debug)]
pub struct Db {
    shards: Arc<[Mutex<HashMap<Bytes, Bytes>>]>,
}

impl Db {
    /// An empty store of `shards` shards (at least one).
    pub fn new(shards: usize) -> Db {
        Db {
            shards: (0..shards.max(1)).map(|_| Mutex::default()).collect(),
        }
    }

    /// The shard `key` lives in. Any hash that spreads keys evenly will
    /// do here, and the same key must always land in the same shard; the
    /// map inside the shard hashes the key again with its own seeded
    /// SipHash, which is what protects it from keys chosen to collide.
    /// So this one can be cheap: FNV-1a, a multiply and an XOR per byte.
    fn shard(&self, key: &[u8]) -> &Mutex<HashMap<Bytes, Bytes>> {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for &byte in key {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        // `%` reads the low bits, and in FNV-1a those depend only on the
        // low bits of each byte (`a` and `q` differ only above them): fold
        // the high half, which every bit of the key reaches, into them.
        let hash = hash ^ (hash >> 32);
        &self.shards[(hash % self.shards.len() as u64) as usize]
    }

    /// The value stored under `key`, if any.
    pub fn get(&self, key: &[u8]) -> Option<Bytes> {
        let shard = self
            .shard(key)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        shard.get(key).cloned()
    }

    /// Stores `value` under `key`.
    pub fn set(&self, key: Bytes, value: Bytes) {
        let mut shard = self
            .shard(&key)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        shard.insert(key, value);
    }
}
