//! The command line itself, without grading anything: learners' help shows
//! learners' verbs, maintainers' tools sit under `dev`.

use assert_cmd::Command;

fn workbook(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("workbook")
        .expect("the workbook binary is built")
        .args(args)
        .output()
        .expect("the workbook command runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The verbs listed by `--help`, in order.
fn verbs(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Proves `cargo workbook --help` lists learners' and instructors' verbs
/// and a single `dev` line, and `dev --help` lists the maintainers' tools.
#[test]
fn help_keeps_maintainers_tools_under_dev() {
    let (code, help, _) = workbook(&["--help"]);
    assert_eq!(code, 0);
    assert_eq!(
        verbs(&help),
        [
            "grade", "watch", "hint", "reset", "solution", "doctor", "report", "class", "overlay",
            "dev", "help"
        ],
        "{help}"
    );
    assert!(help.contains("dev       Maintainers' tools"), "{help}");

    let (code, help, _) = workbook(&["dev", "--help"]);
    assert_eq!(code, 0);
    assert_eq!(verbs(&help), ["gen", "book-check", "help"], "{help}");
}

/// Proves the old spelling of a maintainers' verb still runs it, and says
/// where it went, with the arguments given.
#[test]
fn an_old_maintainers_verb_runs_and_names_its_new_spelling() {
    let (code, out, err) = workbook(&["gen", "--check", "2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("`cargo workbook dev gen --check 2`"), "{err}");
    assert!(out.contains("every chapter matches its solution"), "{out}");
}
