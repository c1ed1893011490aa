//! Helpers shared by the workbook's tests.

use std::path::{Path, PathBuf};

/// A scratch folder in the system's temporary folder, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh, empty folder named after the test.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("workbook-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch folder");
        Scratch(dir)
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create folders");
        std::fs::write(path, text).expect("write file");
    }

    /// Reads a file.
    #[allow(dead_code, reason = "not every test binary reads files back")]
    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        std::fs::read_to_string(self.0.join(rel)).expect("read file")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
