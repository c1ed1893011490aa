//! The graded suites of the Tokio Workbook.
//!
//! Every chapter crate (and its reference solution) has a `tests/grade.rs`
//! that implements the chapter's API trait (e.g. [`chapters::chapter2::Api`])
//! in plain Rust and calls the chapter's `main`, which hands the chapter's
//! [`suite::Suite`] to [`harness::main`]: each check runs in a child
//! process of its own.
//!
//! The crate's rooms:
//! - [`suite`]: what grading is made of, checks and a chapter's suite;
//! - [`harness`]: the runner, the child protocol, the verdicts;
//! - [`results`]: outcomes, progress, the summary and the JSON report;
//! - [`fixtures`]: the learner's server on a thread of its own, clients,
//!   the session language, transcripts, the Redis fixture, gates;
//! - [`checks`]: checks every server chapter shares;
//! - [`chapters`]: one module per chapter, its API and its own checks;
//! - [`mistakes`]: the catalogue (`book/mistakes.toml`), compiled in;
//! - [`seed`]: randomised data a learner can replay with `WORKBOOK_SEED`;
//! - [`failure`], [`manifest`], [`probe`]: what they all speak.
//!
//! This crate depends on no chapter and no solution: it reaches learner code
//! only through the API trait, implemented inside the learner's own test
//! target. Its own tests (`gallery/`) feed known-wrong implementations to
//! the same checks and require each to be rejected with its mistake named.

// A `Failure` is built once, on the failing path, in a process that exits
// right after reporting it: its size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod chapters;
pub mod checks;
pub mod failure;
pub mod fixtures;
pub mod harness;
pub mod manifest;
pub mod mistakes;
pub mod probe;
pub mod results;
pub mod seed;
pub mod suite;

/// Sorts a learner's future by whether it is `Send`, at the call site where
/// its type is known: `grader::probe!(chapter_2::save_greeting(addr, name))`
/// gives a [`probe::MaybeSend`]. See [`probe`] for how.
#[macro_export]
macro_rules! probe {
    ($future:expr) => {{
        #[allow(unused_imports)]
        use $crate::probe::{ViaLocal as _, ViaSend as _};
        #[allow(clippy::needless_borrow)]
        let boxed = (&$crate::probe::Probe::new($future)).boxed();
        boxed
    }};
}
