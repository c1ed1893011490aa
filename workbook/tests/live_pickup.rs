//! A learner in a live class, with the real `workbook` command and a real
//! instructor's `class --serve` on 127.0.0.1 (port 0), in a scratch copy of
//! the workspace:
//!
//! - results a plain `cargo test -p chapter-N` left in the workspace reach
//!   the instructor with the next `grade`, in a report of their own, once;
//! - `watch` sends the learner's report after every run, the first one and
//!   the one a saved file starts.
//!
//! Compiling a chapter would take minutes on a busy machine, and what is
//! tested here is the command, not the grader: the copy's `cargo` (the
//! `CARGO` the command runs) is a stand-in script that writes the results
//! file the grader would, at the path the command asks for. The plain
//! `cargo test` results are written with the grader's own writer. That a
//! real `cargo test -p chapter-1` leaves its results where `grade` picks
//! them up is proven by `.ci/live-class.sh`, which compiles it.
//!
//! Every wait is bounded ([`eventually`]: 20 s), and every process started
//! is killed when its test ends.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use grader::manifest::MANIFEST;
use grader::results::report::CheckReport;
use grader::results::report::{ExerciseReport, FORMAT, Report, workspace_file};
use grader::results::{CheckStatus, ExerciseStatus};

const TOKEN: &str = "live-pickup-class-token";

/// A scratch copy of the workspace with a stand-in `cargo`, removed on drop.
struct Workspace {
    root: PathBuf,
    /// What the stand-in `cargo test` writes as its results.
    next: PathBuf,
    cargo: PathBuf,
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

impl Workspace {
    fn new(name: &str) -> Workspace {
        let scratch =
            std::env::temp_dir().join(format!("workbook-live-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let root = scratch.join("ws");
        copy_tree(&source_root(), &root);
        let next = scratch.join("next-results.json");
        let cargo = scratch.join("cargo");
        // `cargo test -p chapter-N --test grade …` as the grader ends it:
        // the results file where WORKBOOK_RESULTS says.
        std::fs::write(
            &cargo,
            "#!/bin/sh\n\
             # Stands in for `cargo test -p chapter-N --test grade`.\n\
             echo '     Running tests/grade.rs' >&2\n\
             cp \"$STAND_IN_RESULTS\" \"$WORKBOOK_RESULTS\"\n\
             # Ends a while after its results are written, when asked to.\n\
             if [ -n \"$STAND_IN_PAUSE\" ]; then sleep \"$STAND_IN_PAUSE\"; fi\n\
             exit 0\n",
        )
        .expect("write the stand-in cargo");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755))
                .expect("make it runnable");
        }
        Workspace { root, next, cargo }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_workbook"));
        cmd.args(args)
            .current_dir(&self.root)
            .env("CARGO", &self.cargo)
            .env("STAND_IN_RESULTS", &self.next)
            .env_remove("WORKBOOK_RESULTS")
            .stdin(Stdio::null());
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

    /// What the stand-in `cargo test` will report next for chapter 1.
    fn next_results(&self, done: usize) {
        results(1, done)
            .write(&self.next)
            .expect("write the stand-in's results");
    }

    /// The newest results file the last report that reached the
    /// instructor was built from (`class-status.json`).
    fn covered(&self) -> Option<u64> {
        let text = std::fs::read_to_string(self.path(".workbook/class-status.json")).ok()?;
        let status: serde_json::Value = serde_json::from_str(&text).ok()?;
        status["covered_ms"].as_u64()
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if let Some(scratch) = self.root.parent() {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// A chapter's results as the grader writes them: its first `done`
/// exercises done, the others failing one check.
fn results(chapter: u32, done: usize) -> Report {
    let info = MANIFEST.chapter(chapter).expect("the chapter");
    let mut exercises = Vec::new();
    let mut checks = Vec::new();
    for (i, e) in MANIFEST.exercises_of(chapter).enumerate() {
        let ok = i < done;
        exercises.push(ExerciseReport {
            id: e.id.clone(),
            number: e.number.clone(),
            title: e.title.clone(),
            status: if ok {
                ExerciseStatus::Done
            } else {
                ExerciseStatus::InProgress
            },
            passed: usize::from(ok),
            ran: 1,
        });
        checks.push(CheckReport {
            id: format!("{}-{}::works", e.number, e.id),
            name: "works".to_owned(),
            exercise: e.id.clone(),
            status: if ok {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            message: if ok {
                String::new()
            } else {
                "not yet".to_owned()
            },
            mistake: None,
            duration_ms: 1,
        });
    }
    Report {
        format: FORMAT.to_owned(),
        chapter,
        title: info.title.clone(),
        package: info.package(),
        exercises,
        checks,
    }
}

/// An instructor's `class --serve` on 127.0.0.1, port 0; killed on drop.
struct Instructor {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl Instructor {
    fn start(ws: &Workspace) -> Instructor {
        let dir = ws.root.with_file_name("reports");
        std::fs::create_dir_all(&dir).expect("the class folder");
        let mut child = Command::new(env!("CARGO_BIN_EXE_workbook"))
            .args([
                "class",
                &dir.display().to_string(),
                "--serve",
                "--token",
                TOKEN,
            ])
            .current_dir(&ws.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("class --serve starts");
        let out = child.stdout.take().expect("its output");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("Serving the class view on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("class --serve prints its URL");
        Instructor { child, url, dir }
    }

    /// The reports it holds for `learner`, oldest first.
    fn kept(&self, learner: &str) -> Vec<serde_json::Value> {
        let folder = self.dir.join(".class-history").join(learner);
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect()
    }
}

impl Drop for Instructor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits up to 20 s for `done`.
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "not within 20 s: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A file time in milliseconds since 1970, as `class-status.json` keeps it.
fn millis(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

/// The reports, briefly: when each was graded, and its chapters.
fn brief(reports: &[serde_json::Value]) -> Vec<(String, Vec<u32>)> {
    reports
        .iter()
        .map(|r| {
            (
                r["graded_at"].as_str().unwrap_or("").to_owned(),
                chapters_in(r),
            )
        })
        .collect()
}

/// The chapters a report's tests are of, e.g. `[1, 2]`.
fn chapters_in(report: &serde_json::Value) -> Vec<u32> {
    let mut chapters: Vec<u32> = report["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["exercise"].as_str())
        .filter_map(|id| MANIFEST.exercise(id))
        .map(|e| e.chapter)
        .collect();
    chapters.sort_unstable();
    chapters.dedup();
    chapters
}

/// Proves results a plain `cargo test -p chapter-2` left in the workspace
/// (written by the grader's own writer, where the grader leaves them)
/// reach the instructor with the next `grade 1`: first in a report of
/// their own, dated when they were written, then within `grade`'s own
/// report; and that the next `grade` does not send them on their own
/// again. Catches results that stay on the learner's machine until they
/// grade that very chapter, and pending results sent twice.
#[test]
fn plain_cargo_test_results_reach_the_instructor_once_with_the_next_grade() {
    let ws = Workspace::new("pickup");
    let instructor = Instructor::start(&ws);
    let out = ws.run(&["join", &instructor.url, TOKEN, "--name", "ada"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(instructor.kept("ada").is_empty(), "nothing graded yet");

    // A plain `cargo test -p chapter-2`, two of its exercises done.
    let left = workspace_file(&ws.root, "chapter-2");
    std::fs::create_dir_all(left.parent().expect("a folder")).expect("create");
    results(2, 2).write(&left).expect("the grader's writer");
    let out = ws.run(&["doctor"]);
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("wait to be sent"),
        "nothing is pending before a grade picks it up: {}",
        text(&out)
    );

    ws.next_results(1);
    // Each grade's report is dated over a second after the results it
    // graded were written: results sent again as pending, dated when
    // written, would be a report of their own at the instructor's.
    let grade = || {
        ws.command(&["grade", "1"])
            .env("STAND_IN_PAUSE", "1.2")
            .output()
            .expect("grade runs")
    };
    let out = grade();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    eventually("both reports reach the instructor", || {
        instructor.kept("ada").len() >= 2
    });
    let kept = instructor.kept("ada");
    let alone: Vec<&serde_json::Value> = kept.iter().filter(|r| chapters_in(r) == [2]).collect();
    assert_eq!(
        alone.len(),
        1,
        "the pending results, on their own: {:?}",
        brief(&kept)
    );
    let tests = alone[0]["tests"].as_array().expect("tests");
    let passing = tests.iter().filter(|t| t["status"] == "pass").count();
    assert_eq!(passing, 2, "as the plain run found them: {}", alone[0]);
    assert!(
        kept.iter().any(|r| chapters_in(r) == [1, 2]),
        "grade's own report carries both chapters: {:?}",
        brief(&kept)
    );
    assert!(!ws.path(".workbook/outbox.json").exists(), "sent, so gone");

    // The next grade: its own report only.
    let before = kept.len();
    let graded = std::fs::metadata(ws.path(".workbook/results/chapter-1.json"))
        .and_then(|m| m.modified())
        .expect("grade left chapter 1's results");
    // The sending recorded what it covered (it does so once the
    // instructor answered, a moment after the report landed).
    eventually("the first grade's sending is recorded", || {
        ws.covered().is_some_and(|c| c >= millis(graded))
    });
    std::thread::sleep(Duration::from_millis(20));
    ws.next_results(2);
    let out = grade();
    assert_ne!(out.status.code(), Some(2), "{}", text(&out));
    let rewritten = std::fs::metadata(ws.path(".workbook/results/chapter-1.json"))
        .and_then(|m| m.modified())
        .expect("grade left chapter 1's results again");
    assert!(rewritten > graded);
    eventually("the second grade's report is taken", || {
        ws.covered().is_some_and(|c| c >= millis(rewritten))
    });
    let kept = instructor.kept("ada");
    assert_eq!(
        kept.len(),
        before + 1,
        "one report more: {:?}",
        brief(&kept)
    );
    assert_eq!(
        kept.iter().filter(|r| chapters_in(r) == [2]).count(),
        1,
        "the pending results were sent once: {:?}",
        brief(&kept)
    );
}

/// A `watch` running in its own process, killed on drop if it is still
/// running.
struct Watching {
    child: Child,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Proves a joined learner's `watch` sends their report after its first
/// run and again after the run a saved file starts, and quits on `q`.
/// Catches a `watch` that grades but never sends, or sends only once.
#[test]
fn a_joined_watch_sends_its_report_after_every_run() {
    let ws = Workspace::new("watch");
    let instructor = Instructor::start(&ws);
    let out = ws.run(&["join", &instructor.url, TOKEN, "--name", "grace"]);
    assert!(out.status.success(), "{}", text(&out));

    ws.next_results(0);
    let mut watching = Watching {
        child: ws
            .command(&["watch", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("watch starts"),
    };
    let passing = |r: &serde_json::Value| {
        r["tests"]
            .as_array()
            .map_or(0, |t| t.iter().filter(|t| t["status"] == "pass").count())
    };
    eventually("the first run's report reaches the instructor", || {
        instructor
            .kept("grace")
            .iter()
            .any(|r| chapters_in(r) == [1])
    });
    assert!(
        instructor.kept("grace").iter().all(|r| passing(r) == 0),
        "{:?}",
        instructor.kept("grace")
    );

    // The learner finishes an exercise and saves: watch runs again, and
    // that run's report follows. Saved until the run comes (a save made
    // before the watcher was ready would go unseen).
    ws.next_results(1);
    let file = ws.path("chapters/01-hello-tokio/src/lib.rs");
    let source = std::fs::read_to_string(&file).expect("read");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut saves = 0;
    while !instructor.kept("grace").iter().any(|r| passing(r) == 1) {
        assert!(
            Instant::now() < deadline,
            "not within 20 s: the report of the run a save started ({saves} saves)"
        );
        saves += 1;
        std::fs::write(&file, format!("{source}\n// saved {saves}\n")).expect("save");
        std::thread::sleep(Duration::from_millis(700));
    }

    let stdin = watching.child.stdin.as_mut().expect("watch's input");
    stdin.write_all(b"q\n").expect("q");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match watching.child.try_wait().expect("watch's status") {
            Some(status) => {
                assert!(status.success(), "watch ended with {status}");
                break;
            }
            None => {
                assert!(Instant::now() < deadline, "watch did not quit on q");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
