//! Exercise 1.2: build the runtime by hand.
//!
//! `#[tokio::main]` is a macro, not magic: it turns `async fn main` into a
//! plain `fn main` that builds a runtime and blocks on the body. Writing
//! that by hand shows where async code starts: at a plain function that
//! hands a future to a runtime.

use std::future::Future;

use tokio::runtime::Builder;

// ANCHOR: run
/// Runs `future` to completion on a new multi-thread Tokio runtime and
/// returns its output, as `#[tokio::main]` does for the body of `main`.
pub fn run<F: Future>(future: F) -> F::Output {
    // Exercise 1.2 — requirements:
    //  1. Build a multi-thread runtime with `tokio::runtime::Builder`.
    //  2. Switch on what a builder leaves off: I/O and timers.
    //  3. Block on `future` and return its output.
    // Check your work: cargo test -p chapter-1 -- 1.2
    todo!("1.2: build a Tokio runtime by hand and block on `future`")
}
// ANCHOR_END: run
