//! The test runner behind every `tests/grade.rs`: each check in its own process.
//!
//! Learner code can hang, spin, deadlock, abort, overflow its stack or end
//! its process. None of that may freeze `cargo test`, take other checks down
//! with it, or pass for a grade, so the test binary plays two roles:
//!
//! * **Parent** ([`runner`]): for every check it re-executes itself with
//!   [`child::CHILD_ENV`] naming that check, captures the child's output,
//!   and kills it when its wall-clock deadline passes.
//! * **Child** ([`child`]): runs exactly one check and reports its verdict
//!   in lines signed with a secret the parent handed it before any learner
//!   code ran, so nothing the learner's code prints can pass for a verdict.
//!
//! [`verdict`] turns what the parent saw — a signed result, a `todo!()`
//! panic, another panic, a timeout with its threads busy or waiting, a crash, an
//! early exit — into a message a learner can act on. The parent drives
//! `libtest-mimic`, so filters, `--list`, `--exact` and `--format json`
//! behave as they do for ordinary Rust tests.

use std::io::Write;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Failed, FormatSetting, Trial};

use crate::results::{Graded, summary};
use crate::suite::{Check, Suite};

pub mod child;
pub mod runner;
pub mod verdict;

pub use child::run_child_if_asked;
pub use runner::{run_in_child, scaled};

/// The `main` of a `tests/grade.rs`: runs the suite, prints the chapter
/// summary, and exits with libtest's exit code.
pub fn main(suite: Suite) -> ! {
    // The reference solutions record the transcripts learners are graded
    // against; everyone else compares with them.
    crate::fixtures::transcript::set_recording(suite.package.starts_with("solution-"));
    let _ = child::PACKAGE.set(suite.package.to_owned());
    let named: Vec<(String, Check)> = suite.checks.iter().map(|c| (c.full_name(), *c)).collect();
    run_child_if_asked(&named);

    let mut args = Arguments::from_args();
    // Run the selected checks in parallel first, then let libtest-mimic
    // report them one by one in suite order, so the output reads grouped by
    // exercise instead of in whatever order the children finished.
    let selected: Vec<bool> = named
        .iter()
        .map(|(name, _)| {
            let probe = Trial::test(name.clone(), || Ok(()));
            !args.list && !args.is_filtered_out(&probe) && !args.is_ignored(&probe)
        })
        .collect();
    let mut outcomes = runner::run_all(&named, &selected, args.test_threads);
    // A guard counts only with the work it guards.
    let mut ran: Vec<Graded> = outcomes.iter_mut().filter_map(Option::take).collect();
    crate::results::settle_guards(&mut ran);
    let mut settled = ran.into_iter();
    for (outcome, chosen) in outcomes.iter_mut().zip(&selected) {
        if *chosen {
            *outcome = settled.next();
        }
    }
    args.test_threads = Some(1);

    let results: Arc<Mutex<Vec<Graded>>> = Arc::default();
    let trials = named
        .into_iter()
        .zip(outcomes)
        .map(|((name, check), outcome)| {
            let results = Arc::clone(&results);
            Trial::test(name.clone(), move || {
                let graded = outcome.unwrap_or_else(|| runner::run_timed(&name, &check));
                let verdict = match graded.outcome.message() {
                    None => Ok(()),
                    Some(message) => Err(Failed::from(message)),
                };
                runner::lock(&results).push(graded);
                verdict
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if !args.list {
        let results = runner::lock(&results);
        if args.format != Some(FormatSetting::Json) {
            print!("{}", summary(&suite, &results));
            let _ = std::io::stdout().flush();
        }
        if let Some(path) = std::env::var_os(crate::results::report::RESULTS_ENV) {
            if let Err(e) = crate::results::report::Report::new(&suite, &results).write(&path) {
                eprintln!("grader: cannot write the results file: {e}");
                std::process::exit(2);
            }
        }
    }
    conclusion.exit()
}
