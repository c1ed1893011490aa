//! The instructor reports, without building anything: the JSON that GitHub
//! Classroom's reporter reads, and the class view built from such files.

use grader::manifest::{Chapter, MANIFEST};
use grader::results::report::{CheckReport, ExerciseReport, FORMAT, Report};
use grader::results::{CheckStatus, ExerciseStatus};
use serde_json::Value;
use workbook::class::{self, Rules, View};
use workbook::classroom::{self, ClassroomReport, Grader, State};
use workbook::grade::{ChapterGrade, Graded};

fn chapter(n: u32) -> Chapter {
    MANIFEST
        .chapter(n)
        .expect("chapter in the manifest")
        .clone()
}

/// The checks each exercise gets in these fixtures: check names live in
/// the grader, not the manifest, and the reports need none of the real ones.
const CHECKS: [&str; 3] = [
    "connects_to_the_address_it_is_given",
    "the_set_reaches_the_server",
    "get_returns_world",
];

/// Chapter 1 part done: its first exercise in progress (its first check
/// passes, the second fails naming a mistake, the third fails), its second
/// done, the rest not started.
fn partly_done() -> ChapterGrade {
    let mut checks = Vec::new();
    let mut exercises = Vec::new();
    for (i, e) in MANIFEST.exercises_of(1).enumerate() {
        let statuses = match i {
            0 => [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Fail],
            1 => [CheckStatus::Pass; 3],
            _ => [CheckStatus::Todo; 3],
        };
        for (j, (c, status)) in CHECKS.iter().zip(statuses).enumerate() {
            checks.push(CheckReport {
                id: format!("{}-{}::{c}", e.number, e.id),
                name: (*c).to_owned(),
                exercise: e.id.clone(),
                status,
                message: match status {
                    CheckStatus::Pass => String::new(),
                    CheckStatus::Fail => format!("{c} failed\n  details"),
                    CheckStatus::Todo => format!("not yet implemented: {}", e.todo),
                    CheckStatus::Skip => format!("skipped: {c} needs a program"),
                },
                mistake: (i == 0 && j == 1).then(|| "forgotten-await".to_owned()),
                duration_ms: 12,
            });
        }
        let passed = statuses.iter().filter(|s| **s == CheckStatus::Pass).count();
        exercises.push(ExerciseReport {
            id: e.id.clone(),
            number: e.number.clone(),
            title: e.title.clone(),
            status: match i {
                0 => ExerciseStatus::InProgress,
                1 => ExerciseStatus::Done,
                _ => ExerciseStatus::NotStarted,
            },
            passed,
            ran: CHECKS.len(),
        });
    }
    ChapterGrade {
        chapter: chapter(1),
        graded: Graded::Ran(Report {
            format: FORMAT.to_owned(),
            chapter: 1,
            title: "Hello Tokio".to_owned(),
            package: "chapter-1".to_owned(),
            exercises,
            checks,
        }),
        compiler: String::new(),
    }
}

/// The fields GitHub Classroom's autograding reporter reads, as its
/// source documents them: a `tests` array whose entries have a string
/// `name`, a `status` of `pass`, `fail` or `error`, a `message` (string or
/// null) and a numeric `score`; and a numeric `max_score` beside `tests`.
/// (The reporter itself runs inside GitHub Actions and cannot be run here.)
fn assert_reporter_shape(json: &Value) {
    let tests = json["tests"].as_array().expect("`tests` is an array");
    assert!(!tests.is_empty());
    for t in tests {
        assert!(t["name"].is_string(), "name: {t}");
        assert!(
            matches!(t["status"].as_str(), Some("pass" | "fail" | "error")),
            "status: {t}"
        );
        assert!(
            t["message"].is_string() || t["message"].is_null(),
            "message: {t}"
        );
        assert!(t["score"].is_u64(), "score: {t}");
    }
    assert!(json["max_score"].is_u64(), "max_score");
    assert!(matches!(
        json["status"].as_str(),
        Some("pass" | "fail" | "error")
    ));
}

#[test]
fn a_report_has_the_shape_the_classroom_reporter_reads() {
    let broken = ChapterGrade {
        chapter: chapter(2),
        graded: Graded::DidNotCompile("error[E0308]: mismatched types".to_owned()),
        compiler: String::new(),
    };
    let mut report = classroom::report(&MANIFEST, &[partly_done(), broken], Some("ada".to_owned()));
    report.grader_hash = Some(HASH_A.to_owned());
    let json = serde_json::to_value(&report).expect("serialises");
    assert_reporter_shape(&json);
    assert_eq!(json["version"], 1);
    assert!(json["tests"][0]["max_score"].is_u64());
    // The grader hash is a field of its own beside `tests`, which the
    // reporter does not read.
    assert_eq!(json["grader_hash"], HASH_A);
    // So are the time it was graded and each exercise's state and mistakes.
    let at = json["graded_at"].as_str().expect("graded_at");
    assert!(class::time::parse(at).is_some(), "{at}");
    let states: Vec<&str> = json["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t["state"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(&states[..3], ["failing", "done", "not-started"]);
    assert!(
        states[MANIFEST.exercises_of(1).count()..]
            .iter()
            .all(|s| *s == "does-not-compile")
    );
    assert_eq!(
        json["tests"][0]["mistakes"],
        serde_json::json!(["forgotten-await"])
    );
}

/// Two grader hashes, as `report --grader-hash` prints them.
const HASH_A: &str = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
const HASH_B: &str = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";

/// Writes one report per (learner, grader hash) into a fresh folder.
fn reports(name: &str, learners: &[(&str, Option<&str>)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("workbook-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create folder");
    for (learner, hash) in learners {
        let mut report =
            classroom::report(&MANIFEST, &[partly_done()], Some((*learner).to_owned()));
        report.grader_hash = hash.map(str::to_owned);
        let mut json = serde_json::to_value(&report).expect("json");
        if hash.is_none() {
            // A report from before the field existed.
            json.as_object_mut().expect("object").remove("grader_hash");
        }
        std::fs::write(dir.join(format!("{learner}.json")), json.to_string()).expect("write");
    }
    dir
}

/// The class view of a folder, with the default rules for "stuck".
fn read(dir: &std::path::Path, expected: Option<classroom::Expected>) -> View {
    let (view, kept) = class::read(dir, expected, Rules::default()).expect("reads the folder");
    kept.expect("keeps the history");
    view
}

/// The page loads nothing from anywhere: no script, style or font from a
/// file or the network (links to the book are links, not loads).
fn assert_self_contained(html: &str) {
    for load in ["<script src", "<link", "@import", "url(", "<img", "<iframe"] {
        assert!(!html.contains(load), "the page loads something: {load}");
    }
}

fn expected(hash: &str) -> Option<classroom::Expected> {
    Some(classroom::Expected {
        hash: hash.to_owned(),
        from: "--grader-hash".to_owned(),
    })
}

/// Proves `class` flags, in the table and on the HTML page, the report
/// graded with other grading files (DIFFERENT) and the one with no hash
/// (MISSING), says what each means, and leaves the others unflagged.
#[test]
fn the_class_view_flags_a_report_graded_by_another_grader() {
    let dir = reports(
        "class-hash",
        &[
            ("ada", Some(HASH_A)),
            ("grace", Some(HASH_A)),
            ("mallory", Some(HASH_B)),
            ("oldie", None),
        ],
    );
    let view = read(&dir, expected(HASH_A));
    let graders: Vec<(&str, &Grader)> = view
        .rows
        .iter()
        .map(|s| (s.learner.as_str(), &s.grader))
        .collect();
    assert_eq!(
        graders,
        [
            ("ada", &Grader::Same),
            ("grace", &Grader::Same),
            ("mallory", &Grader::Different(HASH_B.to_owned())),
            ("oldie", &Grader::Missing),
        ]
    );
    let table = class::text::table(&view);
    let line = |who: &str| {
        table
            .lines()
            .find(|l| l.starts_with(who))
            .unwrap_or_else(|| panic!("no line for {who}: {table}"))
            .to_owned()
    };
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("learner") && l.contains("grader")),
        "{table}"
    );
    assert!(line("ada ").contains(" same "), "{table}");
    assert!(line("mallory").contains(" DIFFERENT "), "{table}");
    assert!(line("oldie").contains(" MISSING "), "{table}");
    assert!(
        table.contains("DIFFERENT grader (mallory): these reports were graded with grading files that are not yours"),
        "{table}"
    );
    assert!(
        table.contains("Their scores were not given by your grader"),
        "{table}"
    );
    assert!(
        table.contains(
            "MISSING grader hash (oldie): these reports say nothing about what graded them"
        ),
        "{table}"
    );
    assert!(
        table.contains(&format!("Expected grader hash {HASH_A} (--grader-hash).")),
        "{table}"
    );
    assert!(!table.contains("Every report agrees"), "{table}");

    let html = class::page::html(&view, "static", 0);
    assert!(html.contains("<th>grader</th>"), "{html}");
    assert!(
        html.contains("<tr class=\"learner flag\" data-learner=\"mallory\"")
            && html.contains("<td class=\"grader\">DIFFERENT</td>"),
        "{html}"
    );
    assert!(
        html.contains("<tr class=\"learner flag\" data-learner=\"oldie\""),
        "{html}"
    );
    assert!(
        html.contains("<tr class=\"learner\" data-learner=\"ada\""),
        "{html}"
    );
    assert!(html.contains("DIFFERENT grader (mallory)"), "{html}");
    assert_self_contained(&html);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Proves that when every report agrees on a hash that is not the
/// instructor's, `class` suggests the instructor's checkout is at another
/// commit; and that without an expected hash it compares nothing, shows
/// each report's short hash, and says how to check.
#[test]
fn the_class_view_without_or_with_a_stale_expected_hash_says_so() {
    let dir = reports(
        "class-stale",
        &[("ada", Some(HASH_B)), ("grace", Some(HASH_B))],
    );
    let view = read(&dir, expected(HASH_A));
    let table = class::text::table(&view);
    assert!(
        table.contains("Every report agrees on grader bbbbbbbbbbbb and none on yours"),
        "{table}"
    );

    let view = read(&dir, None);
    assert!(view.rows.iter().all(|s| !s.grader.flagged()));
    assert_eq!(
        view.rows[0].grader,
        Grader::Unchecked(Some(HASH_B.to_owned()))
    );
    let table = class::text::table(&view);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("ada") && l.contains(" bbbbbbbbbbbb ")),
        "{table}"
    );
    assert!(table.contains("Grader hashes not checked"), "{table}");
    assert!(!table.contains("DIFFERENT"), "{table}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Proves the score is per exercise: one test per exercise, a point only
/// when every check of it passed, and a failing exercise's message names
/// its first failing check, with that check's mistake and message.
#[test]
fn each_exercise_is_one_test_worth_a_point_when_all_its_checks_pass() {
    let broken = ChapterGrade {
        chapter: chapter(2),
        graded: Graded::DidNotCompile("error[E0308]: mismatched types".to_owned()),
        compiler: String::new(),
    };
    let report = classroom::report(&MANIFEST, &[partly_done(), broken], Some("ada".to_owned()));
    let chapter1 = MANIFEST.exercises_of(1).count();
    let chapter2 = MANIFEST.exercises_of(2).count();
    assert_eq!(report.tests.len(), chapter1 + chapter2);
    assert_eq!(report.max_score as usize, chapter1 + chapter2);
    assert!(report.tests.iter().all(|t| t.max_score == 1));
    // Only the exercise whose three checks all pass earns its point.
    assert_eq!(report.score, 1);
    assert_eq!(report.status, "fail");

    let [first, second, third] = &report.tests[..3] else {
        panic!("chapter 1 has three exercises or more")
    };
    let ex = MANIFEST.exercises_of(1).next().expect("an exercise");
    assert_eq!(first.name, format!("{} {}", ex.number, ex.title));
    assert_eq!((first.status.as_str(), first.score), ("fail", 0));
    assert_eq!(first.check, "the_set_reaches_the_server");
    assert_eq!(first.mistake.as_deref(), Some("forgotten-await"));
    assert_eq!((first.passed, first.ran, first.duration_ms), (1, 3, 36));
    let message = first.message.as_deref().expect("a failing test says why");
    assert!(
        message.starts_with(
            "first failing check: the_set_reaches_the_server [forgotten-await] (1 of 3 checks pass)\n"
        ) && message.contains("the_set_reaches_the_server failed\n  details"),
        "{message}"
    );

    assert_eq!((second.status.as_str(), second.score), ("pass", 1));
    assert_eq!(second.message, None);
    assert_eq!(
        (second.check.as_str(), second.mistake.as_deref()),
        ("", None)
    );

    assert_eq!(third.status, "fail");
    assert_eq!(third.check, "connects_to_the_address_it_is_given");
    assert!(
        third
            .message
            .as_deref()
            .is_some_and(|m| m.contains("not yet implemented")),
        "{third:?}"
    );

    // A chapter that did not build counts each of its exercises as an error.
    let errors: Vec<_> = report
        .tests
        .iter()
        .filter(|t| t.status == "error")
        .collect();
    assert_eq!(errors.len(), chapter2);
    for (t, ex) in errors.iter().zip(MANIFEST.exercises_of(2)) {
        assert_eq!(t.exercise, ex.id);
        assert_eq!(t.name, format!("{} {}", ex.number, ex.title));
        assert_eq!(t.score, 0);
        assert!(
            t.message
                .as_deref()
                .is_some_and(|m| m.contains("chapter 2 was not graded: error[E0308]")),
            "{t:?}"
        );
    }
}

/// Proves a chapter where every check passes scores every exercise and
/// makes the report pass.
#[test]
fn a_finished_chapter_scores_every_exercise() {
    let mut grade = partly_done();
    let Graded::Ran(results) = &mut grade.graded else {
        unreachable!("partly_done ran")
    };
    for c in &mut results.checks {
        c.status = CheckStatus::Pass;
        c.message.clear();
        c.mistake = None;
    }
    for e in &mut results.exercises {
        e.status = ExerciseStatus::Done;
        e.passed = e.ran;
    }
    assert!(grade.passed());
    let report = classroom::report(&MANIFEST, &[grade], None);
    assert_eq!(report.status, "pass");
    assert_eq!(report.score, report.max_score);
    assert_eq!(report.max_score as usize, MANIFEST.exercises_of(1).count());
}

/// `report --json` for a learner at `minute` past some hour, from
/// [`partly_done`] with `change` applied.
fn report_at(learner: &str, minute: u64, change: impl FnOnce(&mut ClassroomReport)) -> String {
    let mut report = classroom::report(&MANIFEST, &[partly_done()], Some(learner.to_owned()));
    report.graded_at = Some(class::time::format_unix(1_795_750_000 + minute * 60));
    change(&mut report);
    serde_json::to_string_pretty(&report).expect("json")
}

/// Marks every exercise of a report done.
fn all_done(report: &mut ClassroomReport) {
    for t in &mut report.tests {
        t.status = "pass".to_owned();
        t.state = Some("done".to_owned());
        t.score = 1;
        t.message = None;
        t.check.clear();
        t.mistake = None;
        t.mistakes.clear();
        t.passed = t.ran;
    }
    report.score = report.max_score;
    report.status = "pass".to_owned();
}

/// Proves the class view of a folder tells the truth: the count of a
/// mistake is learners of the room ("2 of 4"), with a link to the book; a
/// not-started exercise is not stuck; a learner whose chapter does not
/// compile is a row of their own, not hidden; a corrupt file and a foreign
/// one are a line each, not a crash; an old report without the new fields
/// still reads.
#[test]
fn the_class_view_counts_mistakes_and_hides_no_learner() {
    let dir = std::env::temp_dir().join(format!("workbook-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create folder");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write("ada.json", &report_at("ada", 0, |_| {}));
    write("grace.json", &report_at("grace", 0, |_| {}));
    write("linus.json", &report_at("linus", 0, all_done));
    let broken = ChapterGrade {
        chapter: chapter(1),
        graded: Graded::DidNotCompile("error[E0308]: mismatched types".to_owned()),
        compiler: String::new(),
    };
    let mut bob = classroom::report(&MANIFEST, &[broken], Some("bob".to_owned()));
    bob.graded_at = Some(class::time::format_unix(1_795_750_000));
    write("bob.json", &serde_json::to_string(&bob).expect("json"));
    write("garbage.json", "{ not json");
    write(
        "results.json",
        r#"{"format":"tokio-workbook-results/1","chapter":1,"checks":[]}"#,
    );

    let view = read(&dir, None);
    let learners: Vec<&str> = view.rows.iter().map(|r| r.learner.as_str()).collect();
    assert_eq!(learners, ["ada", "bob", "grace", "linus"]);
    let first = MANIFEST.exercises_of(1).next().expect("an exercise");
    assert_eq!(view.columns[0].number, first.number);
    let state = |who: usize, col: usize| view.rows[who].cells[col].as_ref().map(|c| c.state);
    assert_eq!(state(0, 0), Some(State::Failing));
    assert_eq!(state(0, 1), Some(State::Done));
    assert_eq!(state(0, 2), Some(State::NotStarted));
    assert!(
        (0..view.columns.len()).all(|c| state(1, c) == Some(State::DoesNotCompile)),
        "bob's chapter does not compile: every cell says so"
    );
    assert_eq!(state(3, 0), Some(State::Done));
    assert_eq!(
        (view.rows[0].done, view.rows[1].done, view.rows[3].done),
        (1, 0, 3)
    );

    assert_eq!(view.mistakes.len(), 1, "{:?}", view.mistakes);
    assert_eq!(view.mistakes[0].mistake, "forgotten-await");
    assert_eq!(view.mistakes[0].learners, ["ada", "grace"]);
    assert!(
        view.stuck().is_empty(),
        "one report each: nobody is stuck yet"
    );

    let skipped: Vec<String> = view
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.path.display(), s.why))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].starts_with("garbage.json: not JSON"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].starts_with("results.json: one chapter's raw results"),
        "{skipped:?}"
    );

    let table = class::text::table(&view);
    let book = grader::mistakes::FORGOTTEN_AWAIT.book.url();
    assert!(
        table.contains(&format!(
            "[forgotten-await] in {}: 2 of 4 (ada, grace) — {book}",
            first.number
        )),
        "{table}"
    );
    assert!(
        table.contains("bob: chapter 1 — error[E0308]: mismatched types"),
        "{table}"
    );
    assert!(table.contains("skipped garbage.json: not JSON"), "{table}");
    assert!(!table.contains("Most of the room"), "{table}");
    let html = class::page::html(&view, "static", 0);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains(&format!("<a href=\"{book}\"")) && html.contains("<strong>2 of 4</strong>"),
        "{html}"
    );
    assert!(html.contains("data-learner=\"bob\"") && html.contains("does not compile"));
    assert!(html.contains("garbage.json"));
    assert_self_contained(&html);

    // An old report, written before `graded_at`, `state` and `mistakes`.
    let mut old: serde_json::Value =
        serde_json::from_str(&report_at("old", 0, |_| {})).expect("json");
    old.as_object_mut().expect("object").remove("graded_at");
    for t in old["tests"].as_array_mut().expect("tests") {
        let t = t.as_object_mut().expect("test");
        t.remove("state");
        t.remove("mistakes");
    }
    write("old.json", &old.to_string());
    let view = read(&dir, None);
    let row = view
        .rows
        .iter()
        .find(|r| r.learner == "old")
        .expect("old's row");
    let states: Vec<Option<State>> = row
        .cells
        .iter()
        .map(|c| c.as_ref().map(|c| c.state))
        .collect();
    assert_eq!(
        &states[..3],
        [
            Some(State::Failing),
            Some(State::Done),
            Some(State::NotStarted)
        ]
    );
    assert_eq!(view.mistakes[0].learners.len(), 3);
    let _ = std::fs::remove_dir_all(&dir);

    // Round trip: what `report --json` writes, `class` reads.
    let report: ClassroomReport = serde_json::from_str(
        &serde_json::to_string(&classroom::report(&MANIFEST, &[partly_done()], None))
            .expect("json"),
    )
    .expect("parses back");
    assert_eq!(report.learner, None);
}

/// Proves a learner's history survives their file being replaced: `class`
/// keeps a copy of each report it reads (new files only; the learner's
/// file is never written), so three reports failing the same exercise make
/// that learner stuck even though one file held them in turn; and that a
/// report handed in as a new file counts the same.
#[test]
fn history_is_kept_so_a_replaced_report_still_counts_towards_stuck() {
    let dir = std::env::temp_dir().join(format!("workbook-class-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create folder");
    let ada = dir.join("ada.json");
    let first = MANIFEST.exercises_of(1).next().expect("an exercise");
    for minute in [0, 3, 6] {
        let text = report_at("ada", minute, |_| {});
        std::fs::write(&ada, &text).expect("write");
        let view = read(&dir, None);
        assert_eq!(
            std::fs::read_to_string(&ada).expect("read"),
            text,
            "the learner's file is untouched"
        );
        let stuck = view.stuck();
        if minute < 6 {
            assert!(stuck.is_empty(), "minute {minute}: {stuck:?}");
        } else {
            assert_eq!(stuck.len(), 1, "{stuck:?}");
            assert_eq!(
                (stuck[0].learner.as_str(), stuck[0].on.as_str()),
                ("ada", first.number.as_str())
            );
            assert_eq!((stuck[0].streak.reports, stuck[0].streak.minutes()), (3, 6));
            assert_eq!(stuck[0].mistakes, ["forgotten-await"]);
            assert_eq!(view.rows[0].reports, 3);
        }
    }
    let kept = std::fs::read_dir(dir.join(class::load::HISTORY).join("ada"))
        .expect("ada's history")
        .count();
    assert_eq!(kept, 3);
    // Reading again copies nothing new.
    let (_, copied) = class::read(&dir, None, Rules::default()).expect("reads");
    assert_eq!(copied, Ok(0));

    // Grace hands in new files instead; her second one is done: not stuck.
    std::fs::write(dir.join("grace-1.json"), report_at("grace", 0, |_| {})).expect("write");
    std::fs::write(dir.join("grace-2.json"), report_at("grace", 20, all_done)).expect("write");
    let view = read(&dir, None);
    let grace = view
        .rows
        .iter()
        .find(|r| r.learner == "grace")
        .expect("grace");
    assert_eq!(
        (grace.reports, grace.done),
        (2, MANIFEST.exercises_of(1).count())
    );
    assert!(view.stuck().iter().all(|s| s.learner != "grace"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Proves the scoreboard counts exercises done (every check passed) and
/// still names the first failing check, with how many checks of its
/// exercise pass; and that the human `report` score is the same count.
#[test]
fn the_scoreboard_counts_exercises_and_names_the_first_failing_check() {
    let grade = partly_done();
    let total = MANIFEST.exercises_of(1).count();
    assert_eq!(grade.done(), (1, total, true));
    assert!(!grade.passed());
    let board = workbook::grade::scoreboard(&MANIFEST, std::slice::from_ref(&grade));
    let ex = MANIFEST.exercises_of(1).next().expect("an exercise");
    let line = board
        .lines()
        .find(|l| l.starts_with("1 Hello Tokio"))
        .expect("chapter 1's line");
    assert!(line.contains(&format!("1/{total}")), "{board}");
    assert!(
        line.ends_with(&format!(
            "{} {} (1 of 3 checks pass) › the_set_reaches_the_server: \
             the_set_reaches_the_server failed [forgotten-await]",
            ex.number, ex.title
        )),
        "{board}"
    );
    let report = classroom::report(&MANIFEST, &[grade], None);
    assert_eq!((report.score, report.max_score as usize), (1, total));
}
