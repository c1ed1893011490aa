//! The model of the grader's random sessions agrees with this chapter's
//! reference server: thousands of sessions from fixed seeds, every reply
//! what the model says. A learner's server is graded against this model
//! (`random_sessions_match_the_model`), so this is what keeps that check
//! grading against the reference.

use std::future::Future;

use grader::chapters::chapter6::server::FramedStore;
use grader::checks::model::prove_agreement;
use grader::fixtures::{Serve, serving};
use tokio::net::TcpListener;

struct FramedServer;

impl Serve for FramedServer {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_6::run(listener))
    }
}

#[test]
fn the_framed_server_agrees_with_its_model() {
    prove_agreement::<FramedServer, FramedStore>();
}
