//! End-to-end tests of the real `workbook` command, on a scratch copy of
//! the workspace whose chapters are regenerated from the solutions (so a
//! learner's edits in this checkout change nothing here).
//!
//! They build chapter crates, so they are slow for a unit test run: they
//! are `#[ignore]`d in the maintainers' `cargo test` and run by `.ci/run`
//! with `cargo test -p workbook --test e2e -- --ignored`. All copies share
//! one target folder, `target/e2e`. Cargo names artifacts by paths relative
//! to the workspace and trusts file times, so two copies building there at
//! once could each take the other's build for its own: the tests therefore
//! run one at a time ([`ONE_AT_A_TIME`]), and every copy is written after the
//! previous one finished building, so its sources are always the newer.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// Serialises the tests; see the module documentation.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A scratch copy of the workspace, removed on drop. Holds the lock for as
/// long as it lives.
struct Copy {
    root: PathBuf,
    _turn: std::sync::MutexGuard<'static, ()>,
}

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workbook/ sits in the workspace")
        .to_path_buf()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Build output, history, learner state and the built book stay behind.
        if matches!(name.as_ref(), "target" | ".git" | ".workbook")
            || (name == "book" && from.ends_with("book"))
        {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&*name));
        } else {
            std::fs::copy(&path, to.join(&*name)).expect("copy file");
        }
    }
}

impl Copy {
    fn new(name: &str) -> Copy {
        // A test that failed while holding the lock poisons it; the next
        // test's copy is still sound.
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let root = std::env::temp_dir().join(format!("workbook-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_tree(&source_root(), &root);
        let copy = Copy { root, _turn: turn };
        // Pristine stubs, whatever state this checkout's chapters are in.
        let out = copy.run(&["gen"]);
        assert!(out.status.success(), "gen failed: {}", text(&out));
        copy
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("workbook").expect("the workbook binary is built");
        cmd.args(args)
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", source_root().join("target").join("e2e"))
            .env_remove("WORKBOOK_RESULTS")
            .env("USER", "tester");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .output()
            .expect("the workbook command runs")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn solve(&self, slug: &str) {
        copy_tree(
            &self.path(&format!("solutions/{slug}/src")),
            &self.path(&format!("chapters/{slug}/src")),
        );
    }

    /// Output with the scratch path and timestamps made stable.
    fn normalise(&self, text: &str) -> String {
        let mut out = text.replace(&self.root.display().to_string(), "[ROOT]");
        // Backup folders are named by the time: 20261127-041022.
        let mut result = String::new();
        let chars: Vec<char> = out.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let is_stamp = i + 15 <= chars.len()
                && chars[i..i + 8].iter().all(char::is_ascii_digit)
                && chars[i + 8] == '-'
                && chars[i + 9..i + 15].iter().all(char::is_ascii_digit);
            if is_stamp {
                result.push_str("[TIME]");
                i += 15;
            } else {
                result.push(chars[i]);
                i += 1;
            }
        }
        out = result;
        out
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh stub: chapter 1 is "not started", with the next step spelled out.
#[test]
#[ignore = "end to end: builds chapter crates; run by .ci/run"]
fn a_fresh_stub_is_not_started() {
    let ws = Copy::new("fresh");
    let out = ws.run(&["grade", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    insta::assert_snapshot!(ws.normalise(&stdout(&out)));
}

/// A solved chapter: everything done, exit status 0.
#[test]
#[ignore = "end to end: builds chapter crates; run by .ci/run"]
fn a_solved_chapter_is_done() {
    let ws = Copy::new("solved");
    ws.solve("01-hello-tokio");
    let out = ws.run(&["grade", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    insta::assert_snapshot!(ws.normalise(&stdout(&out)));
}

/// A chapter that does not compile is reported as such, and the next
/// chapter is still graded.
#[test]
#[ignore = "end to end: builds chapter crates; run by .ci/run"]
fn a_chapter_that_does_not_compile_hides_nothing_else() {
    let ws = Copy::new("broken");
    let lib = ws.path("chapters/01-hello-tokio/src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).expect("read lib.rs");
    source.push_str("\npub fn broken() -> u32 { \"not a number\" }\n");
    std::fs::write(&lib, source).expect("write lib.rs");
    ws.solve("02-spawning");
    let out = ws.run(&["grade", "1", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    insta::assert_snapshot!(ws.normalise(&stdout(&out)));
}

/// Resetting an exercise restores its stub and keeps the learner's version.
#[test]
#[ignore = "end to end: builds chapter crates; run by .ci/run"]
fn reset_restores_the_stub_and_keeps_a_backup() {
    let ws = Copy::new("reset");
    let file = "chapters/01-hello-tokio/src/runtime_by_hand.rs";
    let pristine = std::fs::read_to_string(ws.path(file)).expect("read stub");
    let mine = pristine.replace(
        "todo!(\"1.2: build a Tokio runtime by hand and block on `future`\")",
        "tokio::runtime::Runtime::new().unwrap().block_on(future)",
    );
    assert_ne!(
        mine, pristine,
        "the stub's todo! text changed; update this test"
    );
    std::fs::write(ws.path(file), &mine).expect("write my answer");

    let out = ws.run(&["reset", "1.2"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = ws.normalise(&stdout(&out));
    insta::assert_snapshot!(said);
    assert_eq!(
        std::fs::read_to_string(ws.path(file)).expect("read"),
        pristine
    );
    let backups = ws.path(".workbook/backups");
    let stamp = std::fs::read_dir(&backups)
        .expect("a backup folder exists")
        .flatten()
        .next()
        .expect("one backup")
        .path();
    assert_eq!(
        std::fs::read_to_string(stamp.join(file)).expect("backup"),
        mine
    );
}

/// Two learners' reports make a class view: a table, the check most of the
/// room is stuck on, and an HTML page.
#[test]
#[ignore = "end to end: builds chapter crates; run by .ci/run"]
fn a_class_report_shows_who_is_where() {
    let reports = std::env::temp_dir().join(format!("workbook-e2e-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&reports);
    std::fs::create_dir_all(&reports).expect("create reports folder");

    let ws = Copy::new("class");
    for name in ["ada", "grace"] {
        let out = ws.run(&["report", "--json", "--chapter", "1", "--name", name]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        std::fs::write(reports.join(format!("{name}.json")), &out.stdout).expect("save report");
    }
    ws.solve("01-hello-tokio");
    let out = ws.run(&["report", "--json", "--chapter", "1", "--name", "linus"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::write(reports.join("linus.json"), &out.stdout).expect("save report");

    let out = ws.run(&["class", &reports.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = stdout(&out).replace(&reports.display().to_string(), "[REPORTS]");
    insta::assert_snapshot!(shown);
    let html = std::fs::read_to_string(reports.join("class.html")).expect("class.html written");
    assert!(html.contains("<td>grace</td>") && html.contains("Most of the room is stuck on"));
    let _ = std::fs::remove_dir_all(&reports);
}
