//! The class view in the terminal: the grid, who is stuck, the mistakes
//! of the moment, and anything that could not be read.

use std::fmt::Write as _;

use crate::classroom::State;

use super::time;
use super::view::{Cell, View};

/// A cell's mark in the terminal grid, at most 5 characters.
fn mark(cell: Option<&Cell>) -> String {
    let Some(cell) = cell else {
        return String::new();
    };
    let word = match cell.state {
        State::Done => "ok",
        State::Failing => "FAIL",
        State::NotStarted => "--",
        State::DoesNotCompile => "NC",
        State::NotGraded => "??",
    };
    if cell.stuck() {
        format!("{word}!")
    } else {
        word.to_owned()
    }
}

/// The link to the book section that explains a mistake, if this grader's
/// catalogue (`book/mistakes.toml`) has it.
pub fn mistake_link(id: &str) -> Option<(String, &'static str)> {
    grader::mistakes::by_id(id).map(|m| (m.book.url(), m.book.title))
}

/// "7 of 20 learners", etc.
fn of(n: usize, total: usize) -> String {
    format!("{n} of {total}")
}

/// The whole view as text.
pub fn table(view: &View) -> String {
    let mut out = String::new();
    let learners = view.rows.len();
    let _ = writeln!(
        out,
        "{learners} learner{}, {} report{} read. Stuck: failing the same exercise in the last {} \
         reports in a row, or for more than {} minutes.",
        if learners == 1 { "" } else { "s" },
        view.reports,
        if view.reports == 1 { "" } else { "s" },
        view.rules.reports,
        view.rules.minutes,
    );
    if learners == 0 {
        out.push_str("\nNo reports found.\n");
    } else {
        out.push('\n');
        grid(view, &mut out);
        out.push_str(
            "\nok done · FAIL failing · -- not started · NC does not compile · ?? not graded · \
             ! stuck · blank: not in any report\n",
        );
    }

    if !view.mistakes.is_empty() {
        out.push_str("\nMistakes right now:\n");
        for m in view.mistakes.iter().take(10) {
            let col = &view.columns[m.column];
            let _ = write!(
                out,
                "  [{}] in {}: {} ({})",
                m.mistake,
                col.number,
                of(m.learners.len(), learners),
                m.learners.join(", ")
            );
            match mistake_link(&m.mistake) {
                Some((url, _)) => {
                    let _ = writeln!(out, " — {url}");
                }
                None => out.push('\n'),
            }
        }
    } else if learners > 0 {
        out.push_str("\nMistakes right now: none named in anyone's latest report.\n");
    }

    let stuck = view.stuck();
    if !stuck.is_empty() {
        out.push_str("\nStuck:\n");
        for s in &stuck {
            let what = if s.not_compiling {
                format!("{} does not compile", s.on)
            } else if s.mistakes.is_empty() {
                format!("{} failing", s.on)
            } else {
                format!("{} failing [{}]", s.on, s.mistakes.join("] ["))
            };
            let _ = writeln!(
                out,
                "  {}: {what} — {} report{} in a row, {} min (since {} UTC)",
                s.learner,
                s.streak.reports,
                if s.streak.reports == 1 { "" } else { "s" },
                s.streak.minutes(),
                time::clock(s.streak.since)
            );
        }
    }

    let broken = view.not_compiling();
    if !broken.is_empty() {
        out.push_str("\nDoes not compile:\n");
        for (row, (chapter, why)) in broken {
            let why = why.lines().next().unwrap_or("");
            let _ = writeln!(out, "  {}: chapter {chapter} — {why}", row.learner);
        }
    }

    for s in &view.skipped {
        let _ = writeln!(out, "\nskipped {}: {}", s.path.display(), s.why);
    }
    for note in view.grader_notes() {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

fn grid(view: &View, out: &mut String) {
    let name = view
        .rows
        .iter()
        .map(|r| r.learner.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let widths: Vec<usize> = view
        .columns
        .iter()
        .map(|c| c.number.chars().count().max(5))
        .collect();
    let grader = view
        .rows
        .iter()
        .map(|r| r.grader.word().len())
        .max()
        .unwrap_or(0)
        .max(6);
    let total = view.columns.len();
    let score = format!("{total}/{total}").len().max(4);
    let _ = write!(
        out,
        "{:<name$}  {:>score$}  {:<grader$}",
        "learner", "done", "grader"
    );
    for (c, w) in view.columns.iter().zip(&widths) {
        let _ = write!(out, "  {:<w$}", c.number);
    }
    trim_line(out);
    for row in &view.rows {
        let _ = write!(
            out,
            "{:<name$}  {:>score$}  {:<grader$}",
            row.learner,
            format!("{}/{total}", row.done),
            row.grader.word()
        );
        for (cell, w) in row.cells.iter().zip(&widths) {
            let _ = write!(out, "  {:<w$}", mark(cell.as_ref()));
        }
        if view.columns.is_empty() {
            out.push_str("  (no exercise in any report)");
        }
        trim_line(out);
    }
    let _ = write!(out, "{:<name$}  {:>score$}  {:<grader$}", "done by", "", "");
    for (i, w) in widths.iter().enumerate() {
        let _ = write!(out, "  {:<w$}", of_short(view.done_by(i), view.rows.len()));
    }
    trim_line(out);
}

/// Ends a line of the grid without the padding of its last column.
fn trim_line(out: &mut String) {
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    out.push('\n');
}

fn of_short(n: usize, total: usize) -> String {
    format!("{n}/{total}")
}
