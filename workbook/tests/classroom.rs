//! The instructor reports, without building anything: the JSON that GitHub
//! Classroom's reporter reads, and the class view built from such files.

use grader::manifest::{Chapter, MANIFEST};
use grader::results::report::{CheckReport, ExerciseReport, FORMAT, Report};
use grader::results::{CheckStatus, ExerciseStatus};
use serde_json::Value;
use workbook::classroom::{self, ClassroomReport, Grader};
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
    let class = classroom::class(&dir, expected(HASH_A)).expect("reads");
    let graders: Vec<(&str, &Grader)> = class
        .standings
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
    let table = classroom::table(&class);
    let line = |who: &str| {
        table
            .lines()
            .find(|l| l.starts_with(who))
            .unwrap_or_else(|| panic!("no line for {who}: {table}"))
            .to_owned()
    };
    assert!(
        table.lines().next().is_some_and(|l| l.contains("grader")),
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

    let html = classroom::html(&class);
    assert!(html.contains("<th>grader</th>"), "{html}");
    assert!(
        html.contains("<tr class=\"flag\"><td>mallory</td>") && html.contains("<td>DIFFERENT</td>"),
        "{html}"
    );
    assert!(html.contains("<tr class=\"flag\"><td>oldie</td>"), "{html}");
    assert!(html.contains("<tr><td>ada</td>"), "{html}");
    assert!(html.contains("DIFFERENT grader (mallory)"), "{html}");
    assert!(!html.contains("<script"), "self-contained and inert");
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
    let class = classroom::class(&dir, expected(HASH_A)).expect("reads");
    let table = classroom::table(&class);
    assert!(
        table.contains("Every report agrees on grader bbbbbbbbbbbb and none on yours"),
        "{table}"
    );

    let class = classroom::class(&dir, None).expect("reads");
    assert!(class.standings.iter().all(|s| !s.grader.flagged()));
    assert_eq!(
        class.standings[0].grader,
        Grader::Unchecked(Some(HASH_B.to_owned()))
    );
    let table = classroom::table(&class);
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

#[test]
fn the_class_view_names_the_check_most_of_the_room_is_stuck_on() {
    let dir = std::env::temp_dir().join(format!("workbook-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create folder");
    for name in ["ada", "grace", "linus"] {
        let mut report = classroom::report(&MANIFEST, &[partly_done()], Some(name.to_owned()));
        if name == "linus" {
            for t in &mut report.tests {
                t.status = "pass".to_owned();
                t.score = 1;
                t.message = None;
                t.check.clear();
                t.mistake = None;
                t.passed = t.ran;
            }
            report.score = report.max_score;
            report.status = "pass".to_owned();
        }
        std::fs::write(
            dir.join(format!("{name}.json")),
            serde_json::to_string(&report).expect("json"),
        )
        .expect("write report");
    }
    std::fs::write(dir.join("garbage.json"), "{ not json").expect("write");

    let class = classroom::class(&dir, None).expect("reads the folder");
    assert_eq!(class.standings.len(), 3);
    let (check, n) = class.hardest.clone().expect("someone is stuck");
    assert_eq!(n, 2);
    let ex = MANIFEST.exercises_of(1).next().expect("an exercise");
    assert_eq!(
        check,
        format!(
            "{} {} › the_set_reaches_the_server [forgotten-await]",
            ex.number, ex.title
        )
    );
    let ada = &class.standings[0];
    assert_eq!(ada.learner, "ada");
    assert_eq!(
        (ada.score, ada.max_score as usize),
        (1, MANIFEST.exercises_of(1).count())
    );
    assert_eq!(ada.at, format!("{} {} (1/3 checks)", ex.number, ex.title));
    assert_eq!(
        class.unreadable.len(),
        1,
        "the broken file is reported, not fatal"
    );
    let table = classroom::table(&class);
    assert!(table.contains("linus") && table.contains("done"), "{table}");
    let html = classroom::html(&class);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<td>ada</td>"));
    assert!(!html.contains("<script"), "self-contained and inert");
    let _ = std::fs::remove_dir_all(&dir);

    // Round trip: what `report --json` writes, `class` reads.
    let report: ClassroomReport = serde_json::from_str(
        &serde_json::to_string(&classroom::report(&MANIFEST, &[partly_done()], None))
            .expect("json"),
    )
    .expect("parses back");
    assert_eq!(report.learner, None);
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
