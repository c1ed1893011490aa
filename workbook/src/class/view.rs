//! The class view's content: a grid of learners × exercises, who is stuck,
//! and which mistakes most learners are making right now.
//!
//! Everything here is computed from the reports alone, never from the
//! clock, so the same folder always gives the same view.

use std::collections::BTreeMap;

use crate::classroom::{ClassroomTest, Expected, Grader, State, grader_notes};

use super::load::{Loaded, Skipped};

/// When a learner counts as stuck on an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Not done across this many of their latest reports…
    pub reports: usize,
    /// …or for more than this many minutes, between the first of those
    /// reports and the latest.
    pub minutes: u64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            reports: 3,
            minutes: 15,
        }
    }
}

/// One exercise: a column of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The stable exercise id.
    pub id: String,
    /// Its number, e.g. `3.1`.
    pub number: String,
    /// Its title.
    pub title: String,
}

/// How long a learner has been on an exercise without finishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streak {
    /// How many of their latest reports in a row have it failing (or its
    /// chapter not compiling).
    pub reports: usize,
    /// The first of those reports' time, seconds since 1970.
    pub since: u64,
    /// The latest one's.
    pub until: u64,
    /// Whether that is long enough to count as stuck.
    pub stuck: bool,
}

impl Streak {
    /// Whole minutes between the first and the latest report of the streak.
    pub fn minutes(&self) -> u64 {
        self.until.saturating_sub(self.since) / 60
    }
}

/// One learner on one exercise, from their latest report that graded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Where they are.
    pub state: State,
    /// The mistakes its failing checks name.
    pub mistakes: Vec<String>,
    /// Its first failing check, if any.
    pub check: String,
    /// Checks that pass, of those that ran.
    pub passed: usize,
    /// Checks that ran.
    pub ran: usize,
    /// The report's message: why it fails, or why it was not graded.
    pub message: Option<String>,
    /// Failing (or not compiling) across their latest reports: since when.
    pub streak: Option<Streak>,
}

impl Cell {
    /// Whether the learner counts as stuck here.
    pub fn stuck(&self) -> bool {
        self.streak.is_some_and(|s| s.stuck)
    }
}

/// One learner: a row of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Their name.
    pub learner: String,
    /// One cell per column; `None` where no report of theirs graded it.
    pub cells: Vec<Option<Cell>>,
    /// Exercises done: one point each.
    pub done: usize,
    /// How many reports of theirs were read.
    pub reports: usize,
    /// Their latest report's time, seconds since 1970.
    pub latest: u64,
    /// Their latest report's grader, against the instructor's.
    pub grader: Grader,
    /// The chapters of theirs that do not compile right now, with the
    /// compiler's first error.
    pub not_compiling: Vec<(String, String)>,
    /// Their timeline: per column, when the exercise went green (the
    /// first report of its latest run of reports with it done), if it is
    /// done now.
    pub green: Vec<Option<u64>>,
}

/// A mistake, in one exercise, and who is making it right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MistakeCount {
    /// The mistake's id, e.g. `lock-across-await`.
    pub mistake: String,
    /// The exercise's column.
    pub column: usize,
    /// The learners whose latest report has it, by name.
    pub learners: Vec<String>,
}

/// A learner stuck on an exercise, or on a chapter that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckLine {
    /// The learner.
    pub learner: String,
    /// `3.1`, or `chapter 2` when the chapter does not compile.
    pub on: String,
    /// Whether it is the chapter that does not compile.
    pub not_compiling: bool,
    /// The mistakes named, if any.
    pub mistakes: Vec<String>,
    /// The streak.
    pub streak: Streak,
}

/// The whole class view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The exercises, in book order.
    pub columns: Vec<Column>,
    /// The learners, by name.
    pub rows: Vec<Row>,
    /// The mistakes most learners are making now, most first.
    pub mistakes: Vec<MistakeCount>,
    /// Files that are not reports.
    pub skipped: Vec<Skipped>,
    /// Reports read, all learners together.
    pub reports: usize,
    /// The grader hash compared with, if any.
    pub expected: Option<Expected>,
    /// When a learner counts as stuck.
    pub rules: Rules,
}

impl View {
    /// Every chapter that does not compile, with its learner's row and the
    /// compiler's words.
    pub fn not_compiling(&self) -> Vec<(&Row, &(String, String))> {
        self.rows
            .iter()
            .flat_map(|r| r.not_compiling.iter().map(move |c| (r, c)))
            .collect()
    }

    /// Builds the view from every report read.
    pub fn build(loaded: &Loaded, expected: Option<Expected>, rules: Rules) -> View {
        let columns = columns(loaded);
        let mut by_learner: BTreeMap<&str, Vec<&super::load::Dated>> = BTreeMap::new();
        for r in &loaded.reports {
            by_learner.entry(r.learner.as_str()).or_default().push(r);
        }
        let mut rows = Vec::new();
        for (learner, mut reports) in by_learner {
            reports.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.path.cmp(&b.path)));
            let mut green = Vec::new();
            let cells: Vec<Option<Cell>> = columns
                .iter()
                .map(|c| {
                    let series: Vec<(u64, &ClassroomTest)> = reports
                        .iter()
                        .filter_map(|r| {
                            r.report
                                .tests
                                .iter()
                                .find(|t| column_key(t) == c.id)
                                .map(|t| (r.at, t))
                        })
                        .collect();
                    green.push(went_green(&series));
                    cell(&series, rules)
                })
                .collect();
            let latest = reports.last().map_or(0, |r| r.at);
            let grader = reports
                .last()
                .map(|r| Grader::of(&r.report, expected.as_ref()))
                .unwrap_or(Grader::Missing);
            let mut not_compiling: Vec<(String, String)> = Vec::new();
            for (col, cell) in columns.iter().zip(&cells) {
                let Some(cell) = cell.as_ref().filter(|c| c.state == State::DoesNotCompile) else {
                    continue;
                };
                let chapter = chapter_of(&col.number);
                if !not_compiling.iter().any(|(c, _)| *c == chapter) {
                    let message = cell.message.as_deref().unwrap_or("");
                    // `report` says "chapter N was not graded: <error>";
                    // the view names the chapter already.
                    let prefix = format!("chapter {chapter} was not graded: ");
                    let why = message.strip_prefix(&prefix).unwrap_or(message);
                    not_compiling.push((chapter, why.to_owned()));
                }
            }
            rows.push(Row {
                learner: learner.to_owned(),
                done: cells
                    .iter()
                    .filter(|c| c.as_ref().is_some_and(|c| c.state == State::Done))
                    .count(),
                cells,
                reports: reports.len(),
                latest,
                grader,
                not_compiling,
                green,
            });
        }
        let mistakes = mistake_counts(&rows);
        View {
            columns,
            rows,
            mistakes,
            skipped: loaded.skipped.clone(),
            reports: loaded.reports.len(),
            expected,
            rules,
        }
    }

    /// How many learners have each exercise done.
    pub fn done_by(&self, column: usize) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                r.cells
                    .get(column)
                    .and_then(Option::as_ref)
                    .is_some_and(|c| c.state == State::Done)
            })
            .count()
    }

    /// Who is stuck, on what: one line per exercise failing long enough,
    /// and one per chapter that has not compiled long enough. Longest
    /// first.
    pub fn stuck(&self) -> Vec<StuckLine> {
        let mut lines = Vec::new();
        for row in &self.rows {
            for (col, cell) in self.columns.iter().zip(&row.cells) {
                let Some(cell) = cell.as_ref().filter(|c| c.stuck()) else {
                    continue;
                };
                let Some(streak) = cell.streak else { continue };
                let not_compiling = cell.state == State::DoesNotCompile;
                let on = if not_compiling {
                    format!("chapter {}", chapter_of(&col.number))
                } else {
                    col.number.clone()
                };
                if lines
                    .iter()
                    .any(|l: &StuckLine| l.learner == row.learner && l.on == on)
                {
                    continue;
                }
                lines.push(StuckLine {
                    learner: row.learner.clone(),
                    on,
                    not_compiling,
                    mistakes: cell.mistakes.clone(),
                    streak,
                });
            }
        }
        lines.sort_by(|a, b| {
            b.streak
                .minutes()
                .cmp(&a.streak.minutes())
                .then(b.streak.reports.cmp(&a.streak.reports))
                .then_with(|| a.learner.cmp(&b.learner))
        });
        lines
    }

    /// What the grader hashes of the learners' latest reports say.
    pub fn grader_notes(&self) -> Vec<String> {
        let learners: Vec<(&str, &Grader)> = self
            .rows
            .iter()
            .map(|r| (r.learner.as_str(), &r.grader))
            .collect();
        grader_notes(self.expected.as_ref(), &learners)
    }

    /// The latest report's time, all learners together.
    pub fn latest(&self) -> Option<u64> {
        self.rows.iter().map(|r| r.latest).max()
    }
}

/// When an exercise went green in a learner's reports, oldest first: the
/// time of the first report of the latest run with it done; `None` when
/// it is not done in the latest.
pub fn went_green(series: &[(u64, &ClassroomTest)]) -> Option<u64> {
    let mut since = None;
    for (at, t) in series {
        if t.state() == State::Done {
            since.get_or_insert(*at);
        } else {
            since = None;
        }
    }
    since
}

/// The chapter of an exercise number: `3` for `3.1`.
pub fn chapter_of(number: &str) -> String {
    number.split('.').next().unwrap_or(number).to_owned()
}

/// Every exercise any report grades, in book order (by number), titled as
/// the latest report that has it says.
fn columns(loaded: &Loaded) -> Vec<Column> {
    let mut latest: BTreeMap<&str, (u64, &ClassroomTest)> = BTreeMap::new();
    for r in &loaded.reports {
        for t in &r.report.tests {
            let id = column_key(t);
            let newer = latest.get(id).is_none_or(|(at, _)| *at <= r.at);
            if newer {
                latest.insert(id, (r.at, t));
            }
        }
    }
    let mut columns: Vec<Column> = latest
        .into_iter()
        .map(|(id, (_, t))| Column {
            id: id.to_owned(),
            number: t.number().to_owned(),
            title: t
                .name
                .split_once(char::is_whitespace)
                .map_or("", |(_, title)| title)
                .trim()
                .to_owned(),
        })
        .collect();
    columns.sort_by(|a, b| {
        number_key(&a.number)
            .cmp(&number_key(&b.number))
            .then_with(|| a.id.cmp(&b.id))
    });
    columns
}

/// The column an exercise entry belongs to: its exercise id, or in a
/// report from before exercise ids, its name.
fn column_key(t: &ClassroomTest) -> &str {
    if t.exercise.is_empty() {
        t.name.as_str()
    } else {
        t.exercise.as_str()
    }
}

/// `3.10` sorts after `3.9`.
fn number_key(number: &str) -> Vec<u64> {
    number
        .split('.')
        .map(|part| part.parse().unwrap_or(u64::MAX))
        .collect()
}

/// A learner's cell from the exercise's entries in their reports, oldest
/// first: the latest entry, and how long it has not been done.
fn cell(series: &[(u64, &ClassroomTest)], rules: Rules) -> Option<Cell> {
    let (_, latest) = series.last()?;
    let state = latest.state();
    // The streak: the latest reports in a row where the exercise is failing
    // or its chapter does not compile (trying a fix that does not build is
    // still being stuck on it). Not started is not stuck.
    let trying = |t: &ClassroomTest| matches!(t.state(), State::Failing | State::DoesNotCompile);
    let streak = if trying(latest) {
        let run: Vec<u64> = series
            .iter()
            .rev()
            .take_while(|(_, t)| trying(t))
            .map(|(at, _)| *at)
            .collect();
        let until = run.first().copied().unwrap_or(0);
        let since = run.last().copied().unwrap_or(until);
        let stuck =
            run.len() >= rules.reports.max(1) || until.saturating_sub(since) > rules.minutes * 60;
        Some(Streak {
            reports: run.len(),
            since,
            until,
            stuck,
        })
    } else {
        None
    };
    Some(Cell {
        state,
        mistakes: if state == State::Failing {
            latest.mistake_ids()
        } else {
            Vec::new()
        },
        check: latest.check.clone(),
        passed: latest.passed,
        ran: latest.ran,
        message: latest.message.clone(),
        streak,
    })
}

/// For every exercise, each mistake named by the learners failing it now,
/// with who: most learners first, then in book order.
fn mistake_counts(rows: &[Row]) -> Vec<MistakeCount> {
    let mut counts: BTreeMap<(usize, &str), Vec<String>> = BTreeMap::new();
    for row in rows {
        for (column, cell) in row.cells.iter().enumerate() {
            let Some(cell) = cell.as_ref().filter(|c| c.state == State::Failing) else {
                continue;
            };
            for m in &cell.mistakes {
                counts
                    .entry((column, m.as_str()))
                    .or_default()
                    .push(row.learner.clone());
            }
        }
    }
    let mut list: Vec<MistakeCount> = counts
        .into_iter()
        .map(|((column, mistake), learners)| MistakeCount {
            mistake: mistake.to_owned(),
            column,
            learners,
        })
        .collect();
    list.sort_by(|a, b| {
        b.learners
            .len()
            .cmp(&a.learners.len())
            .then(a.column.cmp(&b.column))
            .then_with(|| a.mistake.cmp(&b.mistake))
    });
    list
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::class::load::Dated;
    use crate::classroom::ClassroomReport;

    /// An exercise entry as `report --json` writes it.
    fn test(number: &str, state: State, mistakes: &[&str]) -> ClassroomTest {
        let failing = !matches!(state, State::Done);
        ClassroomTest {
            name: format!("{number} Exercise {number}"),
            status: match state {
                State::Done => "pass",
                State::DoesNotCompile | State::NotGraded => "error",
                _ => "fail",
            }
            .to_owned(),
            score: u32::from(!failing),
            max_score: 1,
            message: match state {
                State::Done => None,
                State::NotStarted => Some("not yet implemented".to_owned()),
                State::DoesNotCompile => Some(format!(
                    "chapter {} was not graded: error[E0308]: mismatched types",
                    chapter_of(number)
                )),
                _ => Some("first failing check: x".to_owned()),
            },
            exercise: format!("ex-{number}"),
            check: if state == State::Failing {
                "x".to_owned()
            } else {
                String::new()
            },
            mistake: mistakes.first().map(|m| (*m).to_owned()),
            passed: 0,
            ran: 3,
            duration_ms: 1,
            state: Some(state.as_str().to_owned()),
            mistakes: mistakes.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    /// A report by `learner` at `minute` minutes past some hour.
    fn report(learner: &str, minute: u64, tests: Vec<ClassroomTest>) -> Dated {
        let at = 1_795_750_000 + minute * 60;
        let score = tests.iter().map(|t| t.score).sum();
        Dated {
            learner: learner.to_owned(),
            at,
            timed: true,
            path: PathBuf::from(format!("{learner}-{minute}.json")),
            digest: format!("{learner}-{minute}"),
            bytes: Vec::new(),
            report: ClassroomReport {
                version: 1,
                status: "fail".to_owned(),
                max_score: u32::try_from(tests.len()).unwrap_or(0),
                score,
                learner: Some(learner.to_owned()),
                grader_hash: None,
                graded_at: Some(crate::class::time::format_unix(at)),
                tests,
            },
        }
    }

    fn view(reports: Vec<Dated>) -> View {
        let loaded = Loaded {
            reports,
            skipped: Vec::new(),
        };
        View::build(&loaded, None, Rules::default())
    }

    fn state_of(view: &View, learner: &str, number: &str) -> Option<State> {
        let row = view.rows.iter().find(|r| r.learner == learner)?;
        let col = view.columns.iter().position(|c| c.number == number)?;
        row.cells[col].as_ref().map(|c| c.state)
    }

    use State::{DoesNotCompile, Done, Failing, NotStarted};

    /// Proves the grid has one column per exercise in book order (3.10
    /// after 3.9), one row per learner by name, each cell from the
    /// learner's latest report that graded that exercise, and a score that
    /// counts exercises done.
    #[test]
    fn the_grid_shows_every_learner_on_every_exercise_from_their_latest_report() {
        let v = view(vec![
            report(
                "grace",
                0,
                vec![test("3.10", NotStarted, &[]), test("3.9", Done, &[])],
            ),
            report("ada", 0, vec![test("1.1", Failing, &["forgotten-await"])]),
            report(
                "ada",
                5,
                vec![test("1.1", Done, &[]), test("1.2", Failing, &[])],
            ),
            // A later report of another chapter keeps chapter 1's cells.
            report("ada", 9, vec![test("3.9", NotStarted, &[])]),
        ]);
        let numbers: Vec<&str> = v.columns.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["1.1", "1.2", "3.9", "3.10"]);
        let learners: Vec<&str> = v.rows.iter().map(|r| r.learner.as_str()).collect();
        assert_eq!(learners, ["ada", "grace"]);
        assert_eq!(state_of(&v, "ada", "1.1"), Some(Done));
        assert_eq!(state_of(&v, "ada", "1.2"), Some(Failing));
        assert_eq!(state_of(&v, "ada", "3.9"), Some(NotStarted));
        assert_eq!(state_of(&v, "ada", "3.10"), None, "never reported");
        assert_eq!(state_of(&v, "grace", "1.1"), None);
        assert_eq!((v.rows[0].done, v.rows[0].reports), (1, 3));
        assert_eq!(v.rows[1].done, 1);
        assert_eq!(v.done_by(2), 1, "3.9: grace");
        assert_eq!(v.columns[0].title, "Exercise 1.1");
    }

    /// Proves "stuck" is failing the same exercise across the last N
    /// reports or for more than M minutes — a fresh failure is not stuck,
    /// a pass in between starts over, and not started is never stuck.
    #[test]
    fn stuck_is_failing_across_reports_or_minutes_and_never_not_started() {
        let failing = |minute, learner: &str| {
            report(
                learner,
                minute,
                vec![test("2.1", Failing, &["blocking-accept"])],
            )
        };
        let v = view(vec![
            // Three reports in a row: stuck by count, though only 4 min.
            failing(0, "ada"),
            failing(2, "ada"),
            failing(4, "ada"),
            // Two reports 16 minutes apart: stuck by time.
            failing(0, "bob"),
            failing(16, "bob"),
            // Two reports 10 minutes apart: not yet.
            failing(0, "cy"),
            failing(10, "cy"),
            // Failing, then done, then failing again: starts over.
            failing(0, "di"),
            report("di", 1, vec![test("2.1", Done, &[])]),
            failing(2, "di"),
            failing(30, "di"),
            // Not started, five times over an hour: not stuck.
            report("ed", 0, vec![test("2.1", NotStarted, &[])]),
            report("ed", 20, vec![test("2.1", NotStarted, &[])]),
            report("ed", 40, vec![test("2.1", NotStarted, &[])]),
            report("ed", 60, vec![test("2.1", NotStarted, &[])]),
        ]);
        let lines = v.stuck();
        let stuck: Vec<(&str, &str, usize, u64)> = lines
            .iter()
            .map(|l| {
                (
                    l.learner.as_str(),
                    l.on.as_str(),
                    l.streak.reports,
                    l.streak.minutes(),
                )
            })
            .collect();
        let names: Vec<&str> = stuck.iter().map(|s| s.0).collect();
        assert_eq!(names, ["di", "bob", "ada"], "{stuck:?}");
        assert_eq!(stuck[0].1, "2.1");
        assert_eq!(
            (stuck[0].2, stuck[0].3),
            (2, 28),
            "di started over at minute 2"
        );
        assert_eq!((stuck[1].2, stuck[1].3), (2, 16));
        assert_eq!((stuck[2].2, stuck[2].3), (3, 4));
        let cy = &v.rows[2];
        assert_eq!(cy.learner, "cy");
        let streak = cy.cells[0]
            .as_ref()
            .and_then(|c| c.streak)
            .expect("a streak");
        assert!(!streak.stuck && streak.reports == 2, "{streak:?}");
        let ed = &v.rows[4];
        assert!(ed.cells[0].as_ref().is_some_and(|c| c.streak.is_none()));

        // The rules are the instructor's to set.
        let loaded = Loaded {
            reports: vec![failing(0, "cy"), failing(10, "cy")],
            skipped: Vec::new(),
        };
        let strict = Rules {
            reports: 2,
            minutes: 60,
        };
        assert_eq!(View::build(&loaded, None, strict).stuck().len(), 1);
    }

    /// Proves a chapter that does not compile shows in every one of its
    /// cells and in the row, never hides the learner; that a fix that does
    /// not build keeps a failing streak going; and that a chapter that has
    /// not compiled for long is listed once, as the chapter.
    #[test]
    fn a_chapter_that_does_not_compile_is_shown_and_counts_towards_stuck() {
        let chapter2 = |state| vec![test("2.1", state, &[]), test("2.2", state, &[])];
        let v = view(vec![
            report("ada", 0, vec![test("1.1", Failing, &["forgotten-await"])]),
            report("ada", 5, vec![test("1.1", DoesNotCompile, &[])]),
            report("ada", 7, vec![test("1.1", Failing, &["forgotten-await"])]),
            report("bob", 0, chapter2(DoesNotCompile)),
            report("bob", 20, chapter2(DoesNotCompile)),
        ]);
        let bob = &v.rows[1];
        assert_eq!(bob.learner, "bob");
        assert_eq!(state_of(&v, "bob", "2.1"), Some(DoesNotCompile));
        assert_eq!(state_of(&v, "bob", "2.2"), Some(DoesNotCompile));
        assert_eq!(bob.not_compiling.len(), 1);
        assert_eq!(bob.not_compiling[0].0, "2");
        assert_eq!(bob.not_compiling[0].1, "error[E0308]: mismatched types");
        let stuck = v.stuck();
        let lines: Vec<(&str, &str, bool)> = stuck
            .iter()
            .map(|l| (l.learner.as_str(), l.on.as_str(), l.not_compiling))
            .collect();
        assert_eq!(lines, [("bob", "chapter 2", true), ("ada", "1.1", false)]);
        assert_eq!(stuck[1].mistakes, ["forgotten-await"]);
    }

    /// Proves the mistake counts: per exercise, how many learners' latest
    /// report names each mistake, most first; a mistake fixed since (or an
    /// exercise done) no longer counts.
    #[test]
    fn mistakes_are_counted_per_exercise_from_each_learners_latest_report() {
        let lock = |learner, minute| {
            report(
                learner,
                minute,
                vec![test("3.1", Failing, &["lock-across-await", "lost-update"])],
            )
        };
        let v = view(vec![
            lock("ada", 0),
            lock("bob", 0),
            lock("cy", 0),
            // Fixed since.
            lock("di", 0),
            report("di", 5, vec![test("3.1", Done, &[])]),
            report("ed", 0, vec![test("2.1", Failing, &["blocking-accept"])]),
            report("fay", 0, vec![test("3.1", Failing, &["lost-update"])]),
        ]);
        let counts: Vec<(&str, &str, usize)> = v
            .mistakes
            .iter()
            .map(|m| {
                (
                    m.mistake.as_str(),
                    v.columns[m.column].number.as_str(),
                    m.learners.len(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("lost-update", "3.1", 4),
                ("lock-across-await", "3.1", 3),
                ("blocking-accept", "2.1", 1),
            ]
        );
        assert_eq!(v.mistakes[1].learners, ["ada", "bob", "cy"]);
    }

    /// Proves a report written before `state`, `mistakes` and `graded_at`
    /// existed is still read right: a "not yet implemented" failure is not
    /// started, a mistake is its first failing check's.
    #[test]
    fn old_reports_without_the_new_fields_are_understood() {
        let mut old = test("1.1", Failing, &["forgotten-await"]);
        old.state = None;
        old.mistakes.clear();
        let mut stub = test("1.2", NotStarted, &[]);
        stub.state = None;
        let mut error = test("2.1", DoesNotCompile, &[]);
        error.state = None;
        assert_eq!(old.state(), Failing);
        assert_eq!(old.mistake_ids(), ["forgotten-await"]);
        assert_eq!(stub.state(), NotStarted);
        assert_eq!(error.state(), State::NotGraded);

        // Older still: no exercise ids; the name is the column.
        old.exercise.clear();
        let v = view(vec![report("ada", 0, vec![old])]);
        assert_eq!(v.columns[0].id, "1.1 Exercise 1.1");
        assert_eq!(state_of(&v, "ada", "1.1"), Some(Failing));
    }
}
