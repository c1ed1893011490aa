//! The learner's side of a live classroom: `workbook join`, and sending
//! reports to the instructor's `class --serve`.
//!
//! `join URL TOKEN --name NAME` keeps the class in `.workbook/class.json`.
//! From then on, `grade` and `watch` send the learner's report after each
//! run, in the background: a detached `workbook submit --background`
//! builds it from the results in `.workbook/results/` (whatever graded
//! them: `grade`, `watch`, or a plain `cargo test` with `WORKBOOK_RESULTS`
//! pointing there) and posts it. The grader itself has no network code.
//!
//! A failed sending never stops or slows grading: it is written to
//! `.workbook/class-status.json`, the next `grade` or `watch` says so in
//! one line (once per kind of failure), and sends again.

use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use grader::manifest::Manifest;
use serde::{Deserialize, Serialize};

use crate::classroom::{self, ClassroomReport};
use crate::grade::{self, ChapterGrade, Graded};
use crate::grading_files::GradingFiles;

/// How long connecting to the instructor may take.
const CONNECT: Duration = Duration::from_secs(3);
/// How long the instructor may take to answer.
const ANSWER: Duration = Duration::from_secs(5);

/// The class a learner joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// The instructor's URL, e.g. `http://192.168.1.20:7878/`.
    pub url: String,
    /// The class token.
    pub token: String,
    /// The learner's name, as the instructor sees it.
    pub name: String,
}

/// How the last sending went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// When the last report reached the instructor (RFC 3339).
    #[serde(default)]
    pub sent_at: Option<String>,
    /// Why the last sending failed, if it did.
    #[serde(default)]
    pub error: Option<String>,
    /// Whether the learner was told of that failure already.
    #[serde(default)]
    pub told: bool,
}

fn joined_path(root: &Path) -> PathBuf {
    root.join(".workbook").join("class.json")
}

fn status_path(root: &Path) -> PathBuf {
    root.join(".workbook").join("class-status.json")
}

/// The class this workspace joined, if any.
pub fn joined(root: &Path) -> Option<Joined> {
    let text = std::fs::read_to_string(joined_path(root)).ok()?;
    serde_json::from_str(&text).ok()
}

/// How the last sending went.
pub fn status(root: &Path) -> Status {
    std::fs::read_to_string(status_path(root))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_status(root: &Path, status: &Status) {
    if let Ok(text) = serde_json::to_string_pretty(status) {
        let _ = std::fs::create_dir_all(root.join(".workbook"));
        let _ = std::fs::write(status_path(root), text + "\n");
    }
}

/// `host:port` of an `http://host:port/` URL.
pub fn authority(url: &str) -> Result<String, String> {
    let rest = url.trim().strip_prefix("http://").ok_or_else(|| {
        format!("{url}: the class URL starts with http:// (as `class --serve` prints it)")
    })?;
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || !authority.contains(':') {
        return Err(format!(
            "{url}: the class URL names a host and a port, e.g. http://192.168.1.20:7878/"
        ));
    }
    Ok(authority.to_owned())
}

/// `join URL TOKEN --name NAME`: keeps the class, after checking it.
pub fn join(root: &Path, url: &str, token: &str, name: &str) -> Result<Joined, String> {
    authority(url)?;
    crate::class::serve::check_name(name)?;
    if token.trim().is_empty() {
        return Err("the class token is empty".to_owned());
    }
    let joined = Joined {
        url: url.trim().to_owned(),
        token: token.trim().to_owned(),
        name: name.to_owned(),
    };
    let path = joined_path(root);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&joined).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n")
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    save_status(root, &Status::default());
    Ok(joined)
}

/// `leave`: forgets the class.
pub fn leave(root: &Path) -> Result<bool, String> {
    let path = joined_path(root);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            let _ = std::fs::remove_file(status_path(root));
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

/// The learner's report from the latest results of every chapter graded
/// so far, or `None` when nothing was graded yet.
pub fn latest_report(
    root: &Path,
    manifest: &Manifest,
    name: &str,
) -> Result<Option<ClassroomReport>, String> {
    let grades: Vec<ChapterGrade> = manifest
        .chapters
        .iter()
        .filter_map(|chapter| {
            grade::last_results(root, chapter).map(|r| ChapterGrade {
                chapter: chapter.clone(),
                graded: Graded::Ran(r),
                compiler: String::new(),
            })
        })
        .collect();
    if grades.is_empty() {
        return Ok(None);
    }
    let mut report = classroom::report(manifest, &grades, Some(name.to_owned()));
    report.grader_hash = Some(GradingFiles::read(root)?.hash());
    Ok(Some(report))
}

/// Posts a report; `Ok` with the server's words when it took it.
pub fn post(joined: &Joined, body: &[u8]) -> Result<String, String> {
    let authority = authority(&joined.url)?;
    let addrs: Vec<_> = authority
        .to_socket_addrs()
        .map_err(|e| format!("cannot find {authority}: {e}"))?
        .collect();
    let mut stream = addrs
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, CONNECT).ok())
        .ok_or_else(|| format!("the instructor's server at {authority} did not answer"))?;
    let _ = stream.set_read_timeout(Some(ANSWER));
    let _ = stream.set_write_timeout(Some(ANSWER));
    let head = format!(
        "POST /submit HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        joined.token,
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| format!("sending to {authority} failed: {e}"))?;
    let mut answer = Vec::new();
    let _ = stream.take(64 * 1024).read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    let (head, text) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("{authority} did not answer as a class server"))?;
    let text = text.trim().to_owned();
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(format!(
            "the instructor's server refused it ({status}): {text}"
        ))
    }
}

/// `submit`: sends the latest report now, and records how it went.
pub fn submit(root: &Path, manifest: &Manifest) -> Result<String, String> {
    let Some(joined) = joined(root) else {
        return Err(
            "not in a class: join one with `cargo workbook join URL TOKEN --name NAME`".to_owned(),
        );
    };
    let result = latest_report(root, manifest, &joined.name).and_then(|report| {
        let Some(report) = report else {
            return Ok("nothing graded yet: nothing to send".to_owned());
        };
        let body = serde_json::to_vec(&report).map_err(|e| e.to_string())?;
        post(&joined, &body)
    });
    record(root, &result);
    result
}

/// Records how a sending went: a failure is to be told once, unless it
/// is the same as the last one, told already.
fn record(root: &Path, result: &Result<String, String>) {
    let mut status = status(root);
    match result {
        Ok(_) => {
            status = Status {
                sent_at: Some(crate::class::time::rfc3339(std::time::SystemTime::now())),
                error: None,
                told: false,
            };
        }
        Err(e) => {
            if status.error.as_deref() != Some(e) {
                status.told = false;
            }
            status.error = Some(e.clone());
        }
    }
    save_status(root, &status);
}

/// The line to say, once, when the last sending failed; `None` when it
/// did not, or when it was said already.
pub fn notice(root: &Path) -> Option<String> {
    let mut last = status(root);
    let error = last.error.clone().filter(|_| !last.told)?;
    last.told = true;
    save_status(root, &last);
    Some(format!(
        "class: your last report did not reach the instructor ({error}); sending again"
    ))
}

/// After a `grade` or `watch` run: says once, in one line, that the last
/// sending failed, then sends this run's report in a detached process, so
/// grading never waits for the network. Does nothing outside a class.
pub fn send_in_background(root: &Path) {
    if joined(root).is_none() {
        return;
    }
    if let Some(line) = notice(root) {
        eprintln!("{line}");
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let _ = std::process::Command::new(exe)
        .args(["submit", "--background"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// `doctor`'s line: the class joined, and how the last sending went.
pub fn doctor_line(root: &Path) -> String {
    let Some(j) = joined(root) else {
        return "class: not joined (in a live classroom: cargo workbook join URL TOKEN --name NAME)"
            .to_owned();
    };
    let s = status(root);
    let how = match (&s.error, &s.sent_at) {
        (Some(e), _) => format!("last report not delivered: {e}"),
        (None, Some(at)) => format!("last report delivered {at}"),
        (None, None) => "nothing sent yet".to_owned(),
    };
    format!("class: joined {} as {} ({how})", j.url, j.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_sending_is_told_once_until_it_changes() {
        let root = std::env::temp_dir().join(format!("workbook-live-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let offline = Err("the instructor's server at 10.0.0.1:7878 did not answer".to_owned());
        assert_eq!(notice(&root), None, "nothing sent, nothing to say");
        record(&root, &offline);
        assert!(notice(&root).is_some_and(|l| l.contains("did not answer")));
        assert_eq!(notice(&root), None, "said once");
        record(&root, &offline);
        assert_eq!(
            notice(&root),
            None,
            "the same failure again: still said once"
        );
        record(&root, &Err("refused it (401)".to_owned()));
        assert!(
            notice(&root).is_some_and(|l| l.contains("401")),
            "a new failure is said"
        );
        record(&root, &Ok("report kept".to_owned()));
        assert_eq!(notice(&root), None);
        assert!(status(&root).sent_at.is_some());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_unreachable_instructor_fails_fast() {
        // A port nobody listens on: refused at once, not after a timeout.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let joined = Joined {
            url: format!("http://127.0.0.1:{port}/"),
            token: "t".repeat(16),
            name: "ada".to_owned(),
        };
        let start = std::time::Instant::now();
        assert!(post(&joined, b"{}").is_err());
        assert!(start.elapsed() < CONNECT);
    }

    #[test]
    fn class_urls_name_host_and_port() {
        assert_eq!(
            authority("http://127.0.0.1:7878/").as_deref(),
            Ok("127.0.0.1:7878")
        );
        assert_eq!(
            authority("http://10.0.0.2:80").as_deref(),
            Ok("10.0.0.2:80")
        );
        assert!(authority("https://x:1/").is_err());
        assert!(authority("http://host/").is_err());
        assert!(authority("http:///").is_err());
    }
}
