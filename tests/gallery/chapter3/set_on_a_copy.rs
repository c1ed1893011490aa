//! `lost-write`: `set` inserts into a copy of the map, gone at the end of
//! the call.
//! Rejected by `3.2 set_returns_the_value_it_replaces`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

pub use super::elsewhere::{ShardedDb, VisitCounter, record_visit, serve, serve_sharded};

#[derive(Clone, Default)]
pub struct Db {
    entries: Arc<Mutex<HashMap<String, Bytes>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn set(&self, key: String, value: Bytes) -> Option<Bytes> {
        // The clone "avoids holding the lock": it is a new map.
        let mut entries = self.entries.lock().unwrap().clone();
        entries.insert(key, value)
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().unwrap().get(key).cloned()
    }
}
