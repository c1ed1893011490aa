//! `runtime-without-drivers`: a runtime built without `enable_all`, so the
//! first socket panics. Rejected by `1.2 the_runtime_can_do_network_io`.

use std::future::Future;

pub use super::elsewhere::{hello_redis, record_visit};

pub fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .build()
        .expect("failed to build the runtime")
        .block_on(future)
}
