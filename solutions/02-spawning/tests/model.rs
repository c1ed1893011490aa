//! The models of the grader's random sessions agree with this chapter's
//! reference servers: thousands of sessions from fixed seeds, every reply
//! what the model says. A learner's server is graded against these models
//! (`random_sessions_match_the_model`), so this is what keeps that check
//! grading against the reference.

use std::future::Future;

use grader::checks::model::{
    ErrorsOneClientAtATime, ErrorsToEveryClient, StorePerConnection, prove_agreement,
};
use grader::fixtures::{Serve, serving};
use tokio::net::TcpListener;

struct AcceptLoop;
struct SpawnPerConnection;
struct GetAndSet;

impl Serve for AcceptLoop {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_2::reply_with_errors(listener))
    }
}

impl Serve for SpawnPerConnection {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_2::serve_concurrently(listener))
    }
}

impl Serve for GetAndSet {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(solution_2::serve(listener))
    }
}

#[test]
fn the_accept_loop_agrees_with_its_model() {
    prove_agreement::<AcceptLoop, ErrorsOneClientAtATime>();
}

#[test]
fn one_task_per_connection_agrees_with_its_model() {
    prove_agreement::<SpawnPerConnection, ErrorsToEveryClient>();
}

#[test]
fn get_and_set_agrees_with_its_model() {
    prove_agreement::<GetAndSet, StorePerConnection>();
}
