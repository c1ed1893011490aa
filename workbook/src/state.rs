//! What the command remembers for a learner, in `.workbook/state.json`:
//! how many hint tiers each exercise has shown. Keyed by the manifest's
//! stable exercise ids, so renumbering exercises strands nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The saved state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Hint tiers shown so far, by exercise id.
    #[serde(default)]
    pub hints: BTreeMap<String, u32>,
}

fn path(root: &Path) -> PathBuf {
    root.join(".workbook").join("state.json")
}

impl State {
    /// Loads the state; a missing or unreadable file is a fresh start.
    pub fn load(root: &Path) -> State {
        std::fs::read_to_string(path(root))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Saves the state.
    pub fn save(&self, root: &Path) -> Result<(), String> {
        let path = path(root);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(&path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}
