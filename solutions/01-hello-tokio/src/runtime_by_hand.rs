//! Exercise 1.2: build the runtime by hand.
//!
//! `#[tokio::main]` is a macro, not magic: it turns `async fn main` into a
//! plain `fn main` that builds a runtime and blocks on the body. Writing
//! that by hand shows where async code starts: at a plain function that
//! hands a future to a runtime.

use std::future::Future;

use tokio::runtime::Builder; // exercise: runtime-by-hand

// ANCHOR: run
/// Runs `future` to completion on a new multi-thread Tokio runtime and
/// returns its output, as `#[tokio::main]` does for the body of `main`.
pub fn run<F: Future>(future: F) -> F::Output {
    // exercise: runtime-by-hand
    let runtime = Builder::new_multi_thread()
        // A builder starts with the I/O and timer drivers switched off.
        // Without them, the first socket or `sleep` panics; the macro
        // switches both on, and so do we.
        .enable_all()
        .build()
        // Building fails only when the OS refuses threads or an event
        // queue; `#[tokio::main]` panics in that case too.
        .expect("failed to build the Tokio runtime");

    // `block_on` parks this thread until the future completes, while the
    // runtime's worker threads run any tasks the future spawns.
    runtime.block_on(future)
    // end exercise: runtime-by-hand
}
// ANCHOR_END: run
