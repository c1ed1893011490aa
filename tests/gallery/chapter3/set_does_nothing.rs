//! A `Db` whose `set` does nothing: it cannot lock twice, since it never
//! locks at all.
//! Not counted by `3.2 set_does_not_lock_twice` (a guard).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

#[derive(Clone, Default)]
pub struct Db {
    entries: Arc<Mutex<HashMap<String, Bytes>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn set(&self, _key: String, _value: Bytes) -> Option<Bytes> {
        None
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries.lock().unwrap().get(key).cloned()
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter3::Api for Entry {
    type Db = Db;
    type ShardedDb = ();
    type VisitCounter = ();
    fn db_new() -> Db {
        Db::new()
    }
    fn db_set(db: &Db, key: String, value: bytes::Bytes) -> Option<bytes::Bytes> {
        db.set(key, value)
    }
    fn db_get(db: &Db, key: &str) -> Option<bytes::Bytes> {
        db.get(key)
    }
}
