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
//! `libtest-mimic`, so filters (several, as libtest takes them), `--list`,
//! `--exact` and `--format json` behave as they do for ordinary Rust tests.

use std::ffi::OsString;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use libtest_mimic::{Arguments, Failed, FormatSetting, Trial};

use crate::results::{Graded, Outcome, summary};
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
    // What the workspace's results file says, read before any check runs.
    let before = crate::results::report::Before::run(suite.package);

    let (mut args, filters) = arguments(std::env::args_os());
    // A check whose program is not installed is skipped: libtest shows it
    // as ignored, the summary and the results file as skipped.
    let missing: Vec<Option<&'static str>> =
        named.iter().map(|(_, c)| c.missing_program()).collect();
    let mut skipped = Vec::new();
    let selected: Vec<bool> = named
        .iter()
        .zip(&missing)
        .map(|((name, check), missing)| {
            let probe = Trial::test(name.clone(), || Ok(()));
            let chosen = !args.list && chosen(&args, &filters, &probe) && !args.is_ignored(&probe);
            if let (true, Some(program)) = (chosen, missing) {
                skipped.push(Graded {
                    check: *check,
                    outcome: Outcome::Skipped(format!(
                        "skipped: this check runs `{program}`, which is not installed here. It \
                         is not counted, neither passed nor failed; install it (on Debian or \
                         Ubuntu: `apt-get install redis-tools`) to run it.\n"
                    )),
                    duration: std::time::Duration::ZERO,
                });
            }
            chosen && missing.is_none()
        })
        .collect();
    narrow(&mut args, &filters, &named);

    // The selected checks run in parallel, on a thread of their own, while
    // libtest-mimic reports them one by one in suite order, so the output
    // reads grouped by exercise instead of in whatever order the children
    // finished. Each report waits for the whole run (a guard counts only
    // with the work it guards), and libtest's closing "finished in" counts
    // the checks' real time.
    let run = Arc::new(Pending::start(&named, selected, args.test_threads));
    args.test_threads = Some(1);

    let results: Arc<Mutex<Vec<Graded>>> = Arc::new(Mutex::new(skipped));
    let trials = named
        .into_iter()
        .zip(missing)
        .enumerate()
        .map(|(index, ((name, check), missing))| {
            let results = Arc::clone(&results);
            let run = Arc::clone(&run);
            Trial::test(name.clone(), move || {
                let graded = run
                    .outcome(index)
                    .unwrap_or_else(|| runner::run_timed(&name, &check));
                let verdict = match graded.outcome.message() {
                    None => Ok(()),
                    Some(message) => Err(Failed::from(message)),
                };
                runner::lock(&results).push(graded);
                verdict
            })
            .with_ignored_flag(missing.is_some())
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if !args.list {
        let results = runner::lock(&results);
        if args.format != Some(FormatSetting::Json) {
            print!("{}", summary(&suite, &results));
            let _ = std::io::stdout().flush();
        }
        // The results file: where WORKBOOK_RESULTS says, else in the
        // workspace, for the `workbook` command to read (and send).
        if let Err(e) = crate::results::report::save(&suite, &results, before) {
            eprintln!("grader: cannot write the results file: {e}");
            std::process::exit(2);
        }
    }
    conclusion.exit()
}

/// The checks' outcomes, computed on a thread of their own.
struct Pending {
    thread: Mutex<Option<JoinHandle<Vec<Option<Graded>>>>>,
    outcomes: OnceLock<Vec<Option<Graded>>>,
}

impl Pending {
    /// Starts running the `selected` checks, `threads` at a time.
    fn start(named: &[(String, Check)], selected: Vec<bool>, threads: Option<usize>) -> Pending {
        let named = named.to_vec();
        let thread = std::thread::spawn(move || {
            let mut outcomes = runner::run_all(&named, &selected, threads);
            // A guard counts only with the work it guards.
            let mut ran: Vec<Graded> = outcomes.iter_mut().filter_map(Option::take).collect();
            crate::results::settle_guards(&mut ran);
            let mut settled = ran.into_iter();
            for (outcome, chosen) in outcomes.iter_mut().zip(&selected) {
                if *chosen {
                    *outcome = settled.next();
                }
            }
            outcomes
        });
        Pending {
            thread: Mutex::new(Some(thread)),
            outcomes: OnceLock::new(),
        }
    }

    /// Check `index`'s outcome, once every selected check has one; `None`
    /// if it was not selected (or the run itself failed).
    fn outcome(&self, index: usize) -> Option<Graded> {
        let outcomes = self.outcomes.get_or_init(|| {
            let thread = runner::lock(&self.thread).take();
            thread
                .and_then(|thread| thread.join().ok())
                .unwrap_or_default()
        });
        outcomes.get(index).cloned().flatten()
    }
}

/// libtest-mimic's arguments, and the filters apart: libtest takes several
/// (`cargo test -p chapter-3 -- 3.2 3.3`), libtest-mimic one.
fn arguments(args: impl IntoIterator<Item = OsString>) -> (Arguments, Vec<String>) {
    /// The options that take a value, which is not a filter.
    const WITH_VALUE: &[&str] = &[
        "--color",
        "--format",
        "--logfile",
        "--skip",
        "--test-threads",
        "-Z",
    ];
    let mut args = args.into_iter();
    let mut options: Vec<OsString> = args.next().into_iter().collect();
    let mut filters = Vec::new();
    let mut only_filters = false;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy().into_owned();
        if only_filters || !text.starts_with('-') || text == "-" {
            filters.push(text);
        } else if text == "--" {
            only_filters = true;
        } else {
            let takes_value = WITH_VALUE.contains(&text.as_str());
            options.push(arg);
            if takes_value {
                options.extend(args.next());
            }
        }
    }
    (Arguments::from_iter(options), filters)
}

/// Whether `trial` passes the filters (any one of them, as in libtest)
/// and the `--skip`s.
fn chosen(args: &Arguments, filters: &[String], trial: &Trial) -> bool {
    if filters.is_empty() {
        return !args.is_filtered_out(trial);
    }
    filters.iter().any(|filter| {
        let mut one = args.clone();
        one.filter = Some(filter.clone());
        !one.is_filtered_out(trial)
    })
}

/// Hands libtest-mimic the selection: one filter as its own, several as
/// the exact names of the checks they leave out (so that its "filtered
/// out" count stays right).
fn narrow(args: &mut Arguments, filters: &[String], named: &[(String, Check)]) {
    match filters {
        [] => {}
        [one] => args.filter = Some(one.clone()),
        _ => {
            let probe = |name: &String| Trial::test(name.clone(), || Ok(()));
            args.skip = named
                .iter()
                .filter(|(name, _)| !chosen(args, filters, &probe(name)))
                .map(|(name, _)| name.clone())
                .collect();
            args.exact = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(words: &[&str]) -> (Arguments, Vec<String>) {
        arguments(
            std::iter::once("grade")
                .chain(words.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn several_filters_are_told_apart_from_options_and_their_values() {
        let (args, filters) = split(&[
            "3.2",
            "--test-threads",
            "2",
            "3.3",
            "--skip=x",
            "--exact",
            "--format",
            "json",
        ]);
        assert_eq!(filters, ["3.2", "3.3"]);
        assert_eq!(args.test_threads, Some(2));
        assert_eq!(args.skip, ["x"]);
        assert!(args.exact);
        assert_eq!(args.format, Some(FormatSetting::Json));
        assert_eq!(args.filter, None);

        let (_, filters) = split(&["--list", "--", "--not-an-option"]);
        assert_eq!(filters, ["--not-an-option"]);
    }

    #[test]
    fn any_filter_chooses_a_check_and_a_skip_still_leaves_it_out() {
        let (args, filters) = split(&["3.2", "3.3", "--skip", "slow"]);
        let chooses = |name: &str| chosen(&args, &filters, &Trial::test(name, || Ok(())));
        assert!(chooses("3.2-db-set::stores"));
        assert!(chooses("3.3-db-get::reads"));
        assert!(!chooses("3.1-shared-store::shares"));
        assert!(!chooses("3.3-db-get::slow"));

        let (args, filters) = split(&[]);
        assert!(chosen(
            &args,
            &filters,
            &Trial::test("3.1-shared-store::shares", || Ok(()))
        ));
    }

    /// Proves the book's grading page states the waits the messages print
    /// (at `WORKBOOK_TIMEOUT_SCALE=1`), so a learner who reads "within 3 s"
    /// finds 3 s there too.
    #[test]
    fn the_grading_page_states_the_waits_the_messages_print() {
        use runner::seconds;
        let page = include_str!("../../../book/src/grading.md").replace('\n', " ");
        let stated = [
            format!("deadline: {}", seconds(crate::suite::DEFAULT_DEADLINE)),
            format!(
                "store checks of 3.2–3.4: {}",
                seconds(crate::chapters::chapter3::STORE_DEADLINE)
            ),
            format!(
                "no reply within {}",
                seconds(crate::fixtures::client::REPLY_TIMEOUT)
            ),
            format!(
                "sent nothing within {}",
                seconds(crate::checks::model::run::Timing::confirm().reply)
            ),
            format!(
                "arrive together: {} ms",
                crate::fixtures::gate::GATE_WAIT.as_millis()
            ),
        ];
        for wait in stated {
            assert!(
                page.contains(&wait),
                "book/src/grading.md should say {wait:?}"
            );
        }
    }
}
