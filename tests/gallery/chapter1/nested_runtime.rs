//! `runtime-inside-runtime`: `run` builds a runtime and, inside its
//! `block_on`, builds and blocks on another one.
//! Rejected by `1.2 a_plain_function_drives_a_future`.

use std::future::Future;

pub fn run<F: Future>(future: F) -> F::Output {
    let outer = tokio::runtime::Runtime::new().expect("a runtime");
    outer.block_on(async {
        // The mistake: `block_on` on a thread that is already inside one.
        let inner = tokio::runtime::Runtime::new().expect("a runtime");
        inner.block_on(future)
    })
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter1::Api for Entry {
    fn run<F: std::future::Future>(future: F) -> F::Output {
        run(future)
    }
}
