//! A right store written differently: an `RwLock` instead of a `Mutex`,
//! so that GETs read side by side (`read()`) and only SETs take the lock
//! alone (`write()`). Every check of 3.2 and 3.3 must accept it.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

#[derive(Clone, Default)]
pub struct Db {
    entries: Arc<RwLock<HashMap<String, Bytes>>>,
}

impl Db {
    pub fn new() -> Db {
        Db::default()
    }

    pub fn set(&self, key: String, value: Bytes) -> Option<Bytes> {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, value)
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
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
