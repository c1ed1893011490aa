//! Exercises 3.2 and 3.3: a handle that keeps the lock out of async code.
//!
//! `Arc<Mutex<HashMap<…>>>` spelled out at every use is noisy, and it lets
//! any code keep a guard as long as it likes — across an `.await`, say.
//! `Db` keeps the mutex private and offers plain, synchronous methods: a
//! guard lives inside one of them and dies when it returns, so the code
//! that serves a connection never holds one. mini-redis's own `Db` is built
//! the same way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

// ANCHOR: db
/// A handle on the store that every connection shares. Clones are cheap,
/// and every clone reads and writes the same map.
#[derive(Debug, Default)]
pub struct Db {
    // Private: outside this module, nobody can take the lock.
    entries: Arc<Mutex<HashMap<String, Bytes>>>,
}

impl Clone for Db {
    /// Another handle on the same map: the `Arc` is cloned, the map is not.
    fn clone(&self) -> Db {
        Db {
            entries: Arc::clone(&self.entries),
        }
    }
}

impl Db {
    /// A new, empty store.
    pub fn new() -> Db {
        Db::default()
    }
}
// ANCHOR_END: db

impl Db {
    // ANCHOR: set
    /// Stores `value` under `key`, and returns the value it replaced, if
    /// there was one.
    pub fn set(&self, key: String, value: Bytes) -> Option<Bytes> {
        // Exercise 3.2 — requirements:
        //  1. Lock `self.entries` (poisoning aside, `lock()` gives you a guard that
        //     derefs to the map).
        //  2. Insert `key` and `value` through that guard, and return what
        //     `HashMap::insert` returns.
        //  3. Lock once: do not call another method that locks while your guard is
        //     alive.
        // Check your work: cargo test -p chapter-3 -- 3.2
        todo!("3.2: store `value` under `key` in the shared map, and return \
            the value it replaced")
    }
    // ANCHOR_END: set

    // ANCHOR: get
    /// The value stored under `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        // Exercise 3.3 — requirements:
        //  1. Lock `self.entries`, look `key` up, and return the value as an
        //     `Option<Bytes>` of your own.
        //  2. Leave the value in the map: the next reader must find it too.
        // Check your work: cargo test -p chapter-3 -- 3.3
        todo!("3.3: return a copy of the value stored under `key`, if there \
            is one")
    }
    // ANCHOR_END: get
}
