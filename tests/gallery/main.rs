//! The gallery: known-wrong code that the graded checks must reject.
//!
//! Every entry is run through its designated check, in a child process,
//! exactly as a learner's crate would be. The check must fail, and its
//! result must name the entry's mistake by id (both in the structured
//! result and as `[id]` in the text). A check that passed a gallery entry
//! could not catch the mistake it was written for.
//!
//! The harness's own behaviour (hangs, spins, crashes, `todo!()`s) is
//! proven the same way, in `harness_cases`. The messages are kept as insta
//! snapshots so a reviewer sees exactly what a learner will read.

// See the note on this lint in the grader's lib.rs.
#![allow(clippy::result_large_err)]

mod chapter1;
mod harness_cases;

use grader::harness::{self, Check, Outcome};
use libtest_mimic::{Arguments, Failed, Trial};

grader::chapter1_adapter!(HardCodedPort, crate::chapter1::hard_coded_port);
grader::chapter1_adapter!(ForgottenAwait, crate::chapter1::forgotten_await);
grader::chapter1_adapter!(GetBeforeSet, crate::chapter1::get_before_set);
grader::chapter1_adapter!(
    RuntimeWithoutDrivers,
    crate::chapter1::runtime_without_drivers
);
grader::chapter1_adapter!(VisitNeverAwaited, crate::chapter1::visit_never_awaited);
grader::chapter1_adapter!(HalfFixedVisit, crate::chapter1::half_fixed_visit);
grader::chapter1_adapter!(IoDriverOnly, crate::chapter1::io_driver_only);
grader::chapter1_adapter!(NotOnTokio, crate::chapter1::not_on_tokio);

/// What a case must end in.
enum Expect {
    /// Failed, naming this mistake id.
    Mistake(&'static str),
    /// Reported as the stub's `todo!()`.
    NotImplemented,
    /// Failed, with this text in the message.
    Mentions(&'static str),
}

/// An extra guarantee, checked after the outcome matched.
type After = fn(&Outcome) -> Result<(), String>;

struct Case {
    /// The trial's name.
    name: String,
    /// The check's registered (child) name.
    check_name: String,
    check: Check,
    expect: Expect,
    /// Run after the outcome matched, for extra guarantees.
    after: Option<After>,
}

/// One gallery entry, run through the check designated for its mistake.
fn entry(entry: &str, suite: harness::Suite, check: &str, mistake: &'static str) -> Case {
    let found = suite
        .checks
        .iter()
        .find(|c| c.name == check)
        .unwrap_or_else(|| panic!("gallery: no check named {check}"));
    Case {
        name: format!("chapter1::{entry}::is_rejected_by::{}", found.full_name()),
        check_name: format!("chapter1::{entry}::{}", found.full_name()),
        check: *found,
        expect: Expect::Mistake(mistake),
        after: None,
    }
}

fn cases() -> Vec<Case> {
    use grader::chapter1::suite;
    let mut cases = vec![
        entry(
            "hard_coded_port",
            suite::<HardCodedPort>("gallery"),
            "connects_to_the_address_it_is_given",
            "hard-coded-port",
        ),
        entry(
            "forgotten_await",
            suite::<ForgottenAwait>("gallery"),
            "the_set_reaches_the_server",
            "forgotten-await",
        ),
        entry(
            "get_before_set",
            suite::<GetBeforeSet>("gallery"),
            "get_returns_world",
            "get-before-set",
        ),
        entry(
            "runtime_without_drivers",
            suite::<RuntimeWithoutDrivers>("gallery"),
            "the_runtime_can_do_network_io",
            "runtime-without-drivers",
        ),
        entry(
            "visit_never_awaited",
            suite::<VisitNeverAwaited>("gallery"),
            "the_visitor_reaches_the_server",
            "forgotten-await",
        ),
        entry(
            "half_fixed_visit",
            suite::<HalfFixedVisit>("gallery"),
            "the_greeting_reaches_the_server",
            "forgotten-await",
        ),
        entry(
            "io_driver_only",
            suite::<IoDriverOnly>("gallery"),
            "the_runtime_has_timers",
            "runtime-without-drivers",
        ),
        entry(
            "not_on_tokio",
            suite::<NotOnTokio>("gallery"),
            "a_plain_function_drives_a_future",
            "no-runtime",
        ),
    ];
    for check in harness_cases::checks() {
        let (expect, after): (Expect, Option<After>) = match check.name {
            "todo_in_check" | "todo_in_spawned_task" => (Expect::NotImplemented, None),
            "plain_panic" => (Expect::Mentions("index out of bounds"), None),
            "runtime_without_io" => (Expect::Mistake("runtime-without-drivers"), None),
            "double_lock" | "stopped_clock" => (Expect::Mistake("stuck"), None),
            "busy_loop" | "read_loop_ignoring_eof" => (Expect::Mistake("busy-loop"), None),
            "abort" => (Expect::Mentions("SIGABRT"), None),
            "hang_holding_a_port" => (Expect::Mistake("stuck"), Some(port_was_released)),
            other => panic!("gallery: no expectation for harness case {other}"),
        };
        cases.push(Case {
            name: format!("harness::{}", check.name),
            check_name: format!("harness::{}", check.name),
            check,
            expect,
            after,
        });
    }
    cases
}

/// The killed child's listening port must be free again.
fn port_was_released(outcome: &Outcome) -> Result<(), String> {
    let message = outcome.message().unwrap_or_default();
    let port: u16 = message
        .split("holding port ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("the child's output did not show its port:\n{message}"))?;
    std::net::TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|e| format!("port {port} is still taken after the child was killed: {e}"))
}

fn verify(case: &Case, outcome: &Outcome) -> Result<(), String> {
    match (&case.expect, outcome) {
        (_, Outcome::Passed) => {
            return Err(
                "the check PASSED this known-wrong code: it cannot catch the mistake".into(),
            );
        }
        (Expect::NotImplemented, Outcome::NotImplemented(_)) => {}
        (Expect::Mistake(id), Outcome::Failed { message, mistake }) => {
            if mistake.as_deref() != Some(*id) {
                return Err(format!(
                    "expected mistake [{id}], got {mistake:?}:\n{message}"
                ));
            }
            if !message.contains(&format!("[{id}]")) {
                return Err(format!("the message does not name [{id}]:\n{message}"));
            }
        }
        (Expect::Mentions(text), Outcome::Failed { message, .. }) if message.contains(text) => {}
        (_, other) => return Err(format!("unexpected outcome: {other:?}")),
    }
    if let Some(after) = case.after {
        after(outcome)?;
    }
    Ok(())
}

/// Makes a message stable across runs and machines for its snapshot.
fn normalise(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + "127.0.0.1:".len()]);
        rest = &rest[i + "127.0.0.1:".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &rest[digits..];
    }
    out.push_str(rest);
    let out = replace_number_after(&out, "holding port ");
    let out = replace_number_after(&out, "os error ");
    // Source locations move with every edit; keep the file, drop the line.
    replace_number_after(&replace_number_after(&out, ".rs:"), ".rs:N:")
}

fn replace_number_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push('N');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

fn main() {
    let cases = cases();
    let registry: Vec<(String, Check)> = cases
        .iter()
        .map(|c| (c.check_name.clone(), c.check))
        .collect();
    harness::run_child_if_asked(&registry);

    let args = Arguments::from_args();
    let trials = cases
        .into_iter()
        .map(|case| {
            Trial::test(case.name.clone(), move || {
                let outcome = harness::run_in_child(&case.check_name, &case.check);
                verify(&case, &outcome).map_err(Failed::from)?;
                let snapshot = normalise(outcome.message().unwrap_or_default());
                let name = case.name.replace("::", "__");
                insta::with_settings!({ prepend_module_to_snapshot => false }, {
                    insta::assert_snapshot!(name, snapshot);
                });
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
