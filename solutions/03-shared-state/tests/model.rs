//! The model of the grader's random sessions agrees with this chapter's
//! reference servers: thousands of sessions from fixed seeds, every reply
//! what the model says. A learner's server is graded against this model
//! (`random_sessions_match_the_model`), so this is what keeps that check
//! grading against the reference.

use std::future::Future;

use grader::checks::model::{ShardedStore, SharedStore, prove_agreement};
use grader::fixtures::{Serve, serving};
use tokio::net::TcpListener;

struct SharedStoreServer;
struct ShardedServer;

impl Serve for SharedStoreServer {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_3::serve(listener))
    }
}

impl Serve for ShardedServer {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_3::serve_sharded(listener))
    }
}

#[test]
fn the_shared_store_agrees_with_its_model() {
    prove_agreement::<SharedStoreServer, SharedStore>();
}

#[test]
fn the_sharded_server_agrees_with_its_model() {
    prove_agreement::<ShardedServer, ShardedStore>();
}
