//! The graded suites of the Tokio Workbook.
//!
//! Every chapter crate (and its reference solution) has a `tests/grade.rs`
//! that is a single macro call, such as `grader::chapter1!(chapter_1);`. The
//! macro adapts the crate's public API to a trait ([`chapter1::Api`]) and
//! hands the chapter's [`harness::Suite`] to [`harness::main`], which runs
//! each check in a child process of its own.
//!
//! This crate depends on no chapter and no solution: it reaches learner code
//! only through the macro, expanded inside the learner's own test target.
//! Its own tests (`gallery/`) feed known-wrong implementations to the same
//! checks and require each to be rejected with its mistake named.

// A `Failure` is built once, on the failing path, in a process that exits
// right after reporting it: its size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod chapter1;
pub mod chapter2;
pub mod chapter3;
pub mod failure;
pub mod harness;
pub mod manifest;
pub mod mistakes;
pub mod probe;
pub mod redis;
pub mod reference;
pub mod report;
pub mod server;

/// Every mistake the grader can name, for tools that check their book links.
pub fn all_mistakes() -> Vec<failure::Mistake> {
    let mut all = mistakes::ALL.to_vec();
    all.extend_from_slice(&chapter1::MISTAKES);
    all.extend_from_slice(&chapter2::MISTAKES);
    all.extend_from_slice(&chapter3::MISTAKES);
    all
}

// Re-exported for the macros, so a chapter crate needs no extra dependencies
// to expand them.
#[doc(hidden)]
pub use bytes;
#[doc(hidden)]
pub use mini_redis;
#[doc(hidden)]
pub use tokio;
