//! Panics of the learner's tasks while a session is shrunk.
//!
//! The harness reports every panic of a check's process. While a
//! divergence is shrunk, the learner's server runs again and again, and a
//! task that panics would panic in every run: the first run's panic is
//! reported as usual, and the shrinking runs' panics are only recorded
//! here, so the failure can say which panic the shortest session caused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

static QUIET: AtomicBool = AtomicBool::new(false);
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Wraps the process's panic hook (once): while [`quiet`] is on, panics
/// on the threads of a server under test (its own thread and its
/// runtime's workers) are recorded instead of reported.
pub fn install() {
    INSTALL.call_once(|| {
        let reported = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let learners = thread.name() == Some(crate::fixtures::activity::SERVER_THREAD);
            if QUIET.load(Ordering::Relaxed) && learners {
                let message = crate::harness::child::panic_message(info);
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                SEEN.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!("'{message}'{place}"));
            } else {
                reported(info);
            }
        }));
    });
}

/// Records (on) or reports (off) the learner's panics from now on.
pub fn quiet(on: bool) {
    QUIET.store(on, Ordering::Relaxed);
}

/// The panics recorded since the last call, and forgets them.
pub fn take() -> Vec<String> {
    std::mem::take(&mut *SEEN.lock().unwrap_or_else(|p| p.into_inner()))
}
