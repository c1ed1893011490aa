//! Exercises 3.2 and 3.3: a handle that keeps the lock out of async code.
//!
//! `Arc<Mutex<HashMap<…>>>` spelled out at every use is noisy, and it lets
//! any code keep a guard as long as it likes — across an `.await`, say.
//! `Db` keeps the mutex private and offers plain, synchronous methods: a
//! guard lives inside one of them and dies when it returns, so the code
//! that serves a connection never holds one. mini-redis's own `Db` is built
//! the same way.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError}; // exercise: db-set

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
        // exercise: db-set
        // The guard is a temporary: the lock is released as soon as this
        // one expression is done. `insert` hands back the value it replaced.
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value)
        // end exercise: db-set
    }
    // ANCHOR_END: set

    // ANCHOR: get
    /// The value stored under `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        // exercise: db-get
        // `cloned` turns the `&Bytes` that borrows from the guard into a
        // `Bytes` of our own (a pointer and a count: the data is shared),
        // so the guard can go while the value lives on.
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
        // end exercise: db-get
    }
    // ANCHOR_END: get
}
