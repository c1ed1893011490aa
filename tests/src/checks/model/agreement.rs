//! The maintainers' side of the model check: proof, on many fixed seeds,
//! that a model answers what the reference server answers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Bounds, Model, check_sessions};
use crate::fixtures::Serve;
use crate::seed::Rng;

/// Sessions per exercise: 25 fixed seeds of 40 sessions (the check's own
/// bounds), several seeds and many sessions at a time — a session mostly
/// waits (for delayed ACKs), it hardly computes.
const SEEDS: u64 = 25;
const AT_ONCE: u64 = 5;
const BOUNDS: Bounds = Bounds {
    sessions: 40,
    bytes: 1 << 20,
    parallel: 16,
};
/// On a machine so slow that the sessions take longer than this, the
/// seeds left are skipped (and said so): the maintainers' tests stay fast.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Proves the model `M` agrees with the reference server `S` on
/// thousands of random sessions from fixed seeds: the maintainers' test
/// that keeps `random_sessions_match_the_model` grading against the
/// reference. Panics on a disagreement a seed shows twice.
pub fn prove_agreement<S: Serve, M: Model>() {
    let started = Instant::now();
    let sessions = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for first in 1..=AT_ONCE {
            let sessions = &sessions;
            scope.spawn(move || {
                for seed in (first..=SEEDS).step_by(AT_ONCE as usize) {
                    if started.elapsed() > TIME_LIMIT {
                        eprintln!("time is up: seed {seed} and those after it skipped");
                        break;
                    }
                    if let Err(failure) = check_sessions::<S, M>(&mut Rng::new(seed), BOUNDS) {
                        // Thousands of connections a second on loopback can
                        // meet the network's own hiccups; a disagreement of
                        // the model counts when the seed shows it again.
                        let again = check_sessions::<S, M>(&mut Rng::new(seed), BOUNDS);
                        assert!(
                            again.is_ok(),
                            "seed {seed}: the model and the reference disagree:\n{}",
                            failure.render(None)
                        );
                        eprintln!(
                            "seed {seed} disagreed once, then agreed; the first time:\n{}",
                            failure.render(None)
                        );
                    }
                    sessions.fetch_add(BOUNDS.sessions, Ordering::Relaxed);
                }
            });
        }
    });
    let sessions = sessions.into_inner();
    eprintln!(
        "{sessions} sessions agree with the model, in {:?}",
        started.elapsed()
    );
    assert!(sessions >= 400, "too few sessions ran: {sessions}");
}
