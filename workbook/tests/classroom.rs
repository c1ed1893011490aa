//! The instructor reports, without building anything: the JSON that GitHub
//! Classroom's reporter reads, and the class view built from such files.

use grader::manifest::{Chapter, MANIFEST};
use grader::report::{CheckReport, ExerciseReport, Report};
use serde_json::Value;
use workbook::classroom::{self, ClassroomReport};
use workbook::grade::{ChapterGrade, Graded};

fn chapter(n: u32) -> Chapter {
    MANIFEST
        .chapter(n)
        .expect("chapter in the manifest")
        .clone()
}

/// Chapter 1 with its first check passing and the rest failing.
fn partly_done() -> ChapterGrade {
    let checks = MANIFEST
        .exercises_of(1)
        .flat_map(|e| e.checks.iter().map(move |c| (e, c)))
        .enumerate()
        .map(|(i, (e, c))| CheckReport {
            id: format!("{}-{}::{c}", e.number, e.id),
            name: c.clone(),
            exercise: e.id.clone(),
            status: if i == 0 { "pass" } else { "fail" }.to_owned(),
            message: if i == 0 {
                String::new()
            } else {
                format!("{c} failed\n  details")
            },
            mistake: (i == 1).then(|| "forgotten-await".to_owned()),
            duration_ms: 12,
        })
        .collect();
    let exercises = MANIFEST
        .exercises_of(1)
        .map(|e| ExerciseReport {
            id: e.id.clone(),
            number: e.number.clone(),
            title: e.title.clone(),
            status: "in-progress".to_owned(),
            passed: 0,
            ran: e.checks.len(),
        })
        .collect();
    ChapterGrade {
        chapter: chapter(1),
        graded: Graded::Ran(Report {
            format: grader::report::FORMAT.to_owned(),
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
    let report = classroom::report(&MANIFEST, &[partly_done(), broken], Some("ada".to_owned()));
    let json = serde_json::to_value(&report).expect("serialises");
    assert_reporter_shape(&json);

    let chapter1_checks: usize = MANIFEST.exercises_of(1).map(|e| e.checks.len()).sum();
    let chapter2_checks: usize = MANIFEST.exercises_of(2).map(|e| e.checks.len()).sum();
    assert_eq!(report.max_score as usize, chapter1_checks + chapter2_checks);
    assert_eq!(report.score, 1);
    assert_eq!(report.status, "fail");
    // A chapter that did not build counts every one of its checks as an error.
    let errors = report.tests.iter().filter(|t| t.status == "error").count();
    assert_eq!(errors, chapter2_checks);
    assert_eq!(report.tests[0].message, None);
    assert_eq!(report.tests[1].mistake.as_deref(), Some("forgotten-await"));
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

    let class = classroom::class(&dir).expect("reads the folder");
    assert_eq!(class.standings.len(), 3);
    let (check, n) = class.hardest.clone().expect("someone is stuck");
    assert_eq!(n, 2);
    assert!(
        check.contains("the_set_reaches_the_server [forgotten-await]"),
        "{check}"
    );
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
