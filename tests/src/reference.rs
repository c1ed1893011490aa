//! Recording transcripts from the reference solutions.
//!
//! When a `solution-N` crate is graded, its server checks do not compare
//! with the committed transcripts: they record them, as insta snapshots in
//! `tests/transcripts/`, so a maintainer reviews every change to what
//! learners are graded against (`cargo insta review`, or
//! `INSTA_UPDATE=always` and `git diff`). Learner builds never compile insta:
//! it comes with the `reference` feature, which only solution crates enable.

use std::sync::atomic::{AtomicBool, Ordering};

static RECORDING: AtomicBool = AtomicBool::new(false);

/// Switches recording on for this process (the harness does, for
/// `solution-*` packages).
pub fn set_recording(on: bool) {
    RECORDING.store(on, Ordering::Relaxed);
}

/// Whether this run records transcripts instead of comparing with them.
pub fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// Asserts `text` as the insta snapshot `tests/transcripts/{name}.snap`.
///
/// # Panics
/// When the snapshot differs (insta's usual failure, with its diff), or
/// when this grader was built without the `reference` feature.
pub fn record(name: &str, text: &str) {
    #[cfg(feature = "reference")]
    {
        insta::with_settings!({
            snapshot_path => "../transcripts",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }
    #[cfg(not(feature = "reference"))]
    {
        let _ = text;
        panic!(
            "grader: recording transcript {name} needs the grader's `reference` feature; \
             solution crates enable it in their dev-dependencies"
        );
    }
}
