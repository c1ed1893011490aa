//! The class view as one self-contained HTML page: no external file, no
//! network but its own server's, so it works offline and on a projector.
//!
//! The same page is written to `DIR/class.html` and served by
//! `class --serve`. Its small script sorts the grid (by name, by progress,
//! or by one exercise, problems first) and, when the page came from the
//! server, asks it every two seconds whether the reports changed, and
//! swaps in the new view without reloading (the sort is kept). Opened as
//! a file, it says it is a snapshot.

use std::fmt::Write as _;

use crate::classroom::State;

use super::text::mistake_link;
use super::time;
use super::view::{Cell, View};

/// How often the served page asks whether the reports changed.
pub const POLL_MS: u32 = 500;

/// Escapes text for HTML, in element content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Sorting rank of a cell when the grid is sorted by its exercise:
/// problems first.
fn rank(cell: Option<&Cell>) -> u8 {
    match cell {
        Some(c) if c.stuck() => 0,
        Some(c) => match c.state {
            State::Failing => 1,
            State::DoesNotCompile => 2,
            State::NotGraded => 3,
            State::NotStarted => 4,
            State::Done => 6,
        },
        None => 5,
    }
}

/// One cell of the grid.
fn cell_html(cell: Option<&Cell>, out: &mut String) {
    let Some(cell) = cell else {
        let _ = write!(
            out,
            "<td class=\"cell absent\" data-rank=\"{}\" title=\"not in any report\"></td>",
            rank(None)
        );
        return;
    };
    let (class, body) = match cell.state {
        State::Done => ("done", "✓".to_owned()),
        State::Failing => {
            let what = match cell.mistakes.as_slice() {
                [] if cell.ran > 0 => format!("{}/{}", cell.passed, cell.ran),
                [] => String::new(),
                [one] => escape(one),
                [first, rest @ ..] => format!("{} +{}", escape(first), rest.len()),
            };
            ("failing", format!("✗ <span class=\"m\">{what}</span>"))
        }
        State::NotStarted => ("not-started", "·".to_owned()),
        State::DoesNotCompile => (
            "does-not-compile",
            "<span class=\"m\">does not compile</span>".to_owned(),
        ),
        State::NotGraded => (
            "not-graded",
            "<span class=\"m\">not graded</span>".to_owned(),
        ),
    };
    let mut title = cell.state.as_str().replace('-', " ");
    if !cell.check.is_empty() {
        let _ = write!(title, " — first failing check: {}", cell.check);
    }
    if !cell.mistakes.is_empty() {
        let _ = write!(title, " [{}]", cell.mistakes.join("] ["));
    }
    if cell.state != State::Failing {
        if let Some(m) = cell.message.as_deref().and_then(|m| m.lines().next()) {
            let _ = write!(title, " — {m}");
        }
    }
    let mut stuck = String::new();
    if let Some(s) = cell.streak {
        let _ = write!(
            title,
            " — failing (or not compiling) in {} report{} in a row, over {} min",
            s.reports,
            if s.reports == 1 { "" } else { "s" },
            s.minutes()
        );
        if s.stuck {
            let _ = write!(
                stuck,
                "<span class=\"tag\">stuck {} min · {}×</span>",
                s.minutes(),
                s.reports
            );
        }
    }
    let _ = write!(
        out,
        "<td class=\"cell {class}{}\" data-state=\"{}\" data-rank=\"{}\" title=\"{}\">{body}{stuck}</td>",
        if cell.stuck() { " stuck" } else { "" },
        cell.state.as_str(),
        rank(Some(cell)),
        escape(&title)
    );
}

/// The part of the page that changes: everything inside `<main id="view">`.
fn view_html(view: &View, now: u64) -> String {
    let mut out = String::new();
    let learners = view.rows.len();
    let latest = view
        .latest()
        .map(|t| format!(" · latest report {} UTC", time::clock(t)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<p class=\"summary\"><span id=\"learners\">{learners}</span> learner{} · {} report{}{latest} · \
         stuck = failing the same exercise in the last {} reports or for more than {} min · page made {} UTC</p>",
        if learners == 1 { "" } else { "s" },
        view.reports,
        if view.reports == 1 { "" } else { "s" },
        view.rules.reports,
        view.rules.minutes,
        time::clock(now),
    );

    // The mistakes of the moment.
    out.push_str("<section id=\"mistakes\"><h2>Mistakes right now</h2>\n");
    if view.mistakes.is_empty() {
        out.push_str("<p class=\"quiet\">No mistake named in anyone's latest report.</p>\n");
    } else {
        out.push_str("<ol>\n");
        for m in view.mistakes.iter().take(8) {
            let col = &view.columns[m.column];
            let id = format!("[{}]", escape(&m.mistake));
            let named = match mistake_link(&m.mistake) {
                Some((url, title)) => format!(
                    "<a href=\"{}\" title=\"{}\">{id}</a>",
                    escape(&url),
                    escape(title)
                ),
                None => id,
            };
            let _ = writeln!(
                out,
                "<li class=\"mistake\" data-mistake=\"{}\" data-exercise=\"{}\">{named} in {}: \
                 <strong>{} of {learners}</strong> <span class=\"who\">{}</span></li>",
                escape(&m.mistake),
                escape(&col.number),
                escape(&col.number),
                m.learners.len(),
                escape(&m.learners.join(", "))
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");

    // Who is stuck.
    let stuck = view.stuck();
    out.push_str("<section id=\"stuck\"><h2>Stuck</h2>\n");
    if stuck.is_empty() {
        out.push_str("<p class=\"quiet\">Nobody, by that rule.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for s in &stuck {
            let what = if s.not_compiling {
                format!("{} does not compile", escape(&s.on))
            } else if s.mistakes.is_empty() {
                format!("{} failing", escape(&s.on))
            } else {
                format!(
                    "{} failing <code>[{}]</code>",
                    escape(&s.on),
                    escape(&s.mistakes.join("] ["))
                )
            };
            let _ = writeln!(
                out,
                "<li class=\"stuck-line\" data-learner=\"{}\"><strong>{}</strong>: {what} — {} \
                 report{} in a row, {} min (since {} UTC)</li>",
                escape(&s.learner),
                escape(&s.learner),
                s.streak.reports,
                if s.streak.reports == 1 { "" } else { "s" },
                s.streak.minutes(),
                time::clock(s.streak.since)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");

    // The grid.
    let total = view.columns.len();
    out.push_str(
        "<section id=\"room\"><h2>Learners × exercises</h2>\n<p class=\"sort\">Sort by \
         <button type=\"button\" data-sort=\"name\">name</button> \
         <button type=\"button\" data-sort=\"progress\">progress</button> \
         or click an exercise (problems first).</p>\n",
    );
    out.push_str(
        "<table id=\"grid\"><thead><tr><th data-sort=\"name\">learner</th>\
         <th data-sort=\"progress\">done</th><th>grader</th>",
    );
    for (i, c) in view.columns.iter().enumerate() {
        let _ = write!(
            out,
            "<th data-sort=\"col-{i}\" title=\"{}\">{}</th>",
            escape(&c.title),
            escape(&c.number)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &view.rows {
        let flag = if row.grader.flagged() { " flag" } else { "" };
        let _ = write!(
            out,
            "<tr class=\"learner{flag}\" data-learner=\"{}\" data-done=\"{}\"><th scope=\"row\">{}</th>\
             <td class=\"score\">{}/{total}</td><td class=\"grader\">{}</td>",
            escape(&row.learner),
            row.done,
            escape(&row.learner),
            row.done,
            escape(&row.grader.word()),
        );
        for cell in &row.cells {
            cell_html(cell.as_ref(), &mut out);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n<tfoot><tr><th>done by</th><td></td><td></td>");
    for i in 0..total {
        let _ = write!(out, "<td>{}/{learners}</td>", view.done_by(i));
    }
    out.push_str("</tr></tfoot></table>\n");
    out.push_str(
        "<p class=\"legend\"><span class=\"cell done\">✓</span> done \
         <span class=\"cell failing\">✗ <span class=\"m\">id</span></span> failing, with the \
         mistake its checks name (or how many checks pass) \
         <span class=\"cell not-started\">·</span> not started \
         <span class=\"cell does-not-compile\"><span class=\"m\">does not compile</span></span> \
         <span class=\"cell failing stuck\"><span class=\"tag\">stuck</span></span> stuck \
         · blank: not in any report · one point per exercise whose checks all pass</p>\n</section>\n",
    );

    // Each learner's timeline: when each exercise went green.
    out.push_str(
        "<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"quiet\">When each \
         exercise went green (UTC), per learner.</p>\n<ul>\n",
    );
    for row in &view.rows {
        let mut greens: Vec<(u64, &str)> = row
            .green
            .iter()
            .zip(&view.columns)
            .filter_map(|(at, c)| at.map(|at| (at, c.number.as_str())))
            .collect();
        greens.sort();
        let steps: Vec<String> = greens
            .iter()
            .map(|(at, number)| {
                format!(
                    "<span class=\"green\" data-exercise=\"{}\">{} {}</span>",
                    escape(number),
                    escape(number),
                    time::clock(*at)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<li class=\"timeline\" data-learner=\"{}\"><strong>{}</strong>: {}</li>",
            escape(&row.learner),
            escape(&row.learner),
            if steps.is_empty() {
                "nothing green yet".to_owned()
            } else {
                steps.join(" → ")
            }
        );
    }
    out.push_str("</ul></section>\n");

    // Chapters that do not compile, with the compiler's first error.
    let broken = view.not_compiling();
    if !broken.is_empty() {
        out.push_str("<section id=\"not-compiling\"><h2>Does not compile</h2><ul>\n");
        for (row, (chapter, why)) in broken {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>: chapter {} — <code>{}</code></li>",
                escape(&row.learner),
                escape(chapter),
                escape(why.lines().next().unwrap_or(""))
            );
        }
        out.push_str("</ul></section>\n");
    }

    if !view.skipped.is_empty() {
        out.push_str("<section id=\"skipped\"><h2>Files not read</h2><ul>\n");
        for s in &view.skipped {
            let _ = writeln!(
                out,
                "<li class=\"skipped\"><code>{}</code>: {}</li>",
                escape(&s.path.display().to_string()),
                escape(&s.why)
            );
        }
        out.push_str("</ul></section>\n");
    }
    for note in view.grader_notes() {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
    out
}

const STYLE: &str = r#"
:root{font-size:20px}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem 1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:1.2rem 0 .4rem}
#status{color:#57606a;margin:0}
#status.live::before{content:"● ";color:#1a7f37}
#status.offline{color:#a40e26;font-weight:bold}
.summary,.quiet,.legend,.note{color:#57606a}
.note{max-width:60rem;font-size:.85rem}
#mistakes li{font-size:1.2rem;margin:.2rem 0}
#mistakes a{font-family:ui-monospace,monospace;font-weight:bold}
.who{color:#57606a;font-size:.8rem}
#grid{border-collapse:collapse;margin-top:.3rem}
#grid th,#grid td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:center;white-space:nowrap}
#grid thead th{background:#f6f8fa;position:sticky;top:0}
#grid th[data-sort]{cursor:pointer;text-decoration:underline dotted}
#grid th[aria-sort]{background:#ddf4ff}
#grid tbody th{text-align:left}
.sort button{font:inherit;font-size:.85rem;padding:.1rem .6rem}
.sort button[aria-pressed=true]{background:#0969da;color:#fff;border-color:#0969da}
.cell{min-width:3.2rem;font-weight:600}
.cell .m{font-family:ui-monospace,monospace;font-size:.7rem;font-weight:normal}
.done{background:#dafbe1;color:#116329}
.failing{background:#ffebe9;color:#a40e26}
.not-started{background:#f6f8fa;color:#8c959f}
.does-not-compile{background:repeating-linear-gradient(45deg,#fff8c5,#fff8c5 6px,#ffe58f 6px,#ffe58f 12px);color:#6f4400}
.not-graded{background:#eaeef2;color:#57606a}
.absent{background:#fff}
.stuck{outline:4px solid #1f2328;outline-offset:-4px}
.tag{display:block;font-size:.6rem;font-weight:bold;text-transform:uppercase;color:#fff;background:#1f2328;border-radius:3px;padding:0 .2rem;margin-top:.1rem}
.legend .cell{display:inline-block;padding:0 .3rem;border:1px solid #d0d7de}
tr.flag th,tr.flag td.score,tr.flag td.grader{background:#fde8e8}
tr.flag td.grader{color:#a00;font-weight:bold}
"#;

const SCRIPT: &str = r#"
(function () {
  'use strict';
  var key = 'name';
  try { key = sessionStorage.getItem('workbook-class-sort') || 'name'; } catch (e) {}
  function value(tr, k) {
    if (k === 'name') return [tr.getAttribute('data-learner').toLowerCase()];
    if (k === 'progress') return [-Number(tr.getAttribute('data-done')), tr.getAttribute('data-learner').toLowerCase()];
    var i = Number(k.slice(4));
    var td = tr.querySelectorAll('td.cell')[i];
    return [td ? Number(td.getAttribute('data-rank')) : 9, tr.getAttribute('data-learner').toLowerCase()];
  }
  function compare(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }
  function sort() {
    var body = document.querySelector('#grid tbody');
    if (!body) return;
    if (key !== 'name' && key !== 'progress' && !document.querySelector('#grid th[data-sort="' + key + '"]')) key = 'name';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { return compare(value(a, key), value(b, key)); });
    rows.forEach(function (r) { body.appendChild(r); });
    document.querySelectorAll('[data-sort]').forEach(function (el) {
      var on = el.getAttribute('data-sort') === key;
      if (el.tagName === 'BUTTON') el.setAttribute('aria-pressed', on ? 'true' : 'false');
      else if (on) el.setAttribute('aria-sort', 'ascending');
      else el.removeAttribute('aria-sort');
    });
    document.body.setAttribute('data-sort', key);
  }
  document.addEventListener('click', function (e) {
    var t = e.target.closest ? e.target.closest('[data-sort]') : null;
    if (!t) return;
    key = t.getAttribute('data-sort');
    try { sessionStorage.setItem('workbook-class-sort', key); } catch (e) {}
    sort();
  });
  sort();
  var status = document.getElementById('status');
  function say(cls, text) { status.className = cls; status.textContent = text; }
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    say('snapshot', 'A snapshot, as of the time below. For a view that follows new reports: cargo workbook class DIR --serve');
    return;
  }
  var version = document.body.getAttribute('data-version');
  function poll() {
    fetch('/version', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (v) {
        v = v.trim();
        if (v === version) { say('live', 'Live: follows new reports as they land.'); return null; }
        return fetch('/', { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.getElementById('view');
          if (!fresh) return;
          document.getElementById('view').replaceWith(document.importNode(fresh, true));
          version = doc.body.getAttribute('data-version') || v;
          document.body.setAttribute('data-version', version);
          var n = Number(document.body.getAttribute('data-updates') || '0') + 1;
          document.body.setAttribute('data-updates', String(n));
          sort();
          say('live', 'Live: follows new reports as they land (updated ' + new Date().toLocaleTimeString() + ').');
        });
      })
      .catch(function () { say('offline', 'The class server stopped: this is the last view it sent.'); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
"#;

/// The whole page. `version` changes whenever the reports do (the served
/// page compares it to know when to update); `now` is when it was made.
pub fn html(view: &View, version: &str, now: u64) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Tokio Workbook — class</title><style>{STYLE}</style></head>\n\
         <body data-version=\"{}\" data-updates=\"0\">\n\
         <header><h1>Tokio Workbook — class</h1><p id=\"status\">Snapshot.</p></header>\n\
         <main id=\"view\">\n{}</main>\n<script>{}</script>\n</body></html>\n",
        escape(version),
        view_html(view, now),
        SCRIPT.replace("POLL_MS", &POLL_MS.to_string()),
    )
}
