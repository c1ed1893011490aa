//! `get-removes`: `remove` gives an owned value without a clone — and
//! empties the key.
//! Rejected by `3.3 get_returns_what_set_stored`.

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
        self.entries.lock().unwrap().insert(key, value)
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().unwrap().remove(key)
    }
}
