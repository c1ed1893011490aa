//! Reports for instructors: `workbook report --json` and `workbook class`.
//!
//! `report --json` prints one learner's results in the shape GitHub
//! Classroom's autograding reporter reads (`classroom-resources/
//! autograding-grading-reporter`): an object with `tests`, each with `name`,
//! `status` (`pass`, `fail` or `error`), `score` and `message`, plus the
//! totals `max_score` and `score`. The reporter takes it base64-encoded from
//! a step output (`report --base64`); see `instructor/classroom.yml`. Extra
//! fields (`learner`, and per test `exercise`, `check`, `mistake`,
//! `duration_ms`) are ignored by the reporter and used by `class`.
//!
//! `class DIR` reads a folder of such reports, one per learner, and shows
//! who is where and which check holds most of the room up — as a table, and
//! as a self-contained HTML page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use grader::manifest::Manifest;
use serde::{Deserialize, Serialize};

use crate::grade::{ChapterGrade, Graded};

/// One learner's results, GitHub Classroom style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomReport {
    /// Format version (the reporter's runners write 1).
    pub version: u32,
    /// `pass` when every test passed, `fail` when any failed, else `error`.
    pub status: String,
    /// Points available: one per check.
    pub max_score: u32,
    /// Points earned.
    pub score: u32,
    /// Who this is, when known.
    #[serde(default)]
    pub learner: Option<String>,
    /// One entry per check.
    pub tests: Vec<ClassroomTest>,
}

/// One check, GitHub Classroom style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomTest {
    /// `1.1 Say hello to Redis › connects_to_the_address_it_is_given`.
    pub name: String,
    /// `pass`, `fail`, or `error` (the chapter did not build).
    pub status: String,
    /// 1 for a pass, else 0.
    pub score: u32,
    /// Always 1.
    pub max_score: u32,
    /// What the learner read; `null` on a pass.
    pub message: Option<String>,
    /// The exercise's stable id.
    #[serde(default)]
    pub exercise: String,
    /// The check's name.
    #[serde(default)]
    pub check: String,
    /// The mistake the message names, if any.
    #[serde(default)]
    pub mistake: Option<String>,
    /// How long the check took.
    #[serde(default)]
    pub duration_ms: u64,
}

/// Builds a learner's report from a grading run.
pub fn report(
    manifest: &Manifest,
    grades: &[ChapterGrade],
    learner: Option<String>,
) -> ClassroomReport {
    let mut tests = Vec::new();
    for g in grades {
        let label = |exercise: &str| {
            manifest.exercise(exercise).map_or_else(
                || exercise.to_owned(),
                |e| format!("{} {}", e.number, e.title),
            )
        };
        match &g.graded {
            Graded::Ran(report) => {
                for c in &report.checks {
                    let passed = c.status == "pass";
                    tests.push(ClassroomTest {
                        name: format!("{} › {}", label(&c.exercise), c.name),
                        status: if passed { "pass" } else { "fail" }.to_owned(),
                        score: u32::from(passed),
                        max_score: 1,
                        message: (!passed).then(|| c.message.clone()),
                        exercise: c.exercise.clone(),
                        check: c.name.clone(),
                        mistake: c.mistake.clone(),
                        duration_ms: c.duration_ms,
                    });
                }
            }
            Graded::DidNotCompile(why) | Graded::Broken(why) => {
                // Every check of the chapter, as an error: the totals stay
                // comparable across learners.
                for ex in manifest.exercises_of(g.chapter.number) {
                    for check in &ex.checks {
                        tests.push(ClassroomTest {
                            name: format!("{} › {check}", label(&ex.id)),
                            status: "error".to_owned(),
                            score: 0,
                            max_score: 1,
                            message: Some(format!(
                                "chapter {} was not graded: {why}",
                                g.chapter.number
                            )),
                            exercise: ex.id.clone(),
                            check: check.clone(),
                            mistake: None,
                            duration_ms: 0,
                        });
                    }
                }
            }
        }
    }
    let status = if tests.iter().any(|t| t.status == "fail") {
        "fail"
    } else if tests.iter().any(|t| t.status == "error") {
        "error"
    } else {
        "pass"
    };
    ClassroomReport {
        version: 1,
        status: status.to_owned(),
        max_score: u32::try_from(tests.len()).unwrap_or(u32::MAX),
        score: tests.iter().map(|t| t.score).sum(),
        learner,
        tests,
    }
}

/// One learner's line in the class view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The learner.
    pub learner: String,
    /// Points earned.
    pub score: u32,
    /// Points available.
    pub max_score: u32,
    /// The exercise they are on (its first unfinished one), or `done`.
    pub at: String,
    /// The check they are stuck on, with its mistake id if any.
    pub stuck_on: Option<String>,
}

/// The class: every learner, and the check that holds up the most of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// One line per learner, by name.
    pub standings: Vec<Standing>,
    /// The most common first failing check, and how many learners are on it.
    pub hardest: Option<(String, usize)>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
}

/// Reads every `*.json` report in `dir`.
pub fn class(dir: &Path) -> Result<Class, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut standings = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        let report: ClassroomReport = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(r) => r,
            Err(e) => {
                unreadable.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let first = report.tests.iter().find(|t| t.status != "pass");
        standings.push(Standing {
            learner: report.learner.clone().unwrap_or(stem),
            score: report.score,
            max_score: report.max_score,
            at: first.map_or_else(
                || "done".to_owned(),
                |t| t.name.split(" › ").next().unwrap_or_default().to_owned(),
            ),
            stuck_on: first.map(|t| match &t.mistake {
                Some(m) => format!("{} [{m}]", t.name),
                None => t.name.clone(),
            }),
        });
    }
    standings.sort_by(|a, b| a.learner.cmp(&b.learner));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &standings {
        if let Some(stuck) = &s.stuck_on {
            *counts.entry(stuck.as_str()).or_default() += 1;
        }
    }
    let hardest = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(check, n)| (check.to_owned(), n));
    Ok(Class {
        standings,
        hardest,
        unreadable,
    })
}

/// The class as a table for the terminal.
pub fn table(class: &Class) -> String {
    let mut out = String::new();
    let width = class
        .standings
        .iter()
        .map(|s| s.learner.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:<width$}  score    on                                  stuck on",
        "learner"
    );
    for s in &class.standings {
        let _ = writeln!(
            out,
            "{:<width$}  {:>3}/{:<3}  {:<34}  {}",
            s.learner,
            s.score,
            s.max_score,
            s.at,
            s.stuck_on.as_deref().unwrap_or("—")
        );
    }
    match &class.hardest {
        Some((check, n)) => {
            let _ = writeln!(
                out,
                "\nMost of the room is stuck on: {check} ({n} of {} learners)",
                class.standings.len()
            );
        }
        None if !class.standings.is_empty() => out.push_str("\nEveryone is done.\n"),
        None => out.push_str("\nNo reports found.\n"),
    }
    for u in &class.unreadable {
        let _ = writeln!(out, "skipped {u}");
    }
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The class as one self-contained HTML page (no scripts, no external files).
pub fn html(class: &Class) -> String {
    let mut rows = String::new();
    for s in &class.standings {
        let _ = writeln!(
            rows,
            "<tr><td>{}</td><td><meter min=\"0\" max=\"{}\" value=\"{}\"></meter> {}/{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&s.learner),
            s.max_score,
            s.score,
            s.score,
            s.max_score,
            html_escape(&s.at),
            html_escape(s.stuck_on.as_deref().unwrap_or("—")),
        );
    }
    let headline = match &class.hardest {
        Some((check, n)) => format!(
            "Most of the room is stuck on <strong>{}</strong> ({n} of {} learners).",
            html_escape(check),
            class.standings.len()
        ),
        None => "Nobody is stuck.".to_owned(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Tokio Workbook — class</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}\
         table{{border-collapse:collapse;width:100%}}\
         th,td{{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}}\
         th{{background:#f4f4f4}} .headline{{font-size:1.1rem;margin:1rem 0}}\
         </style></head><body>\n<h1>Tokio Workbook — class</h1>\n\
         <p class=\"headline\">{headline}</p>\n\
         <table><thead><tr><th>learner</th><th>score</th><th>on</th><th>stuck on</th></tr></thead>\n\
         <tbody>\n{rows}</tbody></table>\n</body></html>\n"
    )
}
