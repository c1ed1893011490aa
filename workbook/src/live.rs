//! The learner's side of a live classroom: `workbook join`, and sending
//! reports to the instructor's `class --serve`.
//!
//! `join URL TOKEN --name NAME` keeps the class in `.workbook/class.json`.
//! From then on, `grade` and `watch` send the learner's report after each
//! run, in the background: a detached `workbook submit --background`
//! builds it from the results in `.workbook/results/` (whatever graded
//! them: `grade`, `watch`, or a plain `cargo test -p chapter-N`, which
//! leaves its results there) and posts it. The grader itself has no
//! network code.
//!
//! Results a plain `cargo test` left since the last report reached the
//! instructor are *pending*: before it grades, the next `grade` or `watch`
//! puts them in a report of their own, dated when that run ended, in
//! `.workbook/outbox.json` ([`pick_up`]), and the sending after its run
//! posts that report first, once, then the run's own. So the instructor's
//! timeline shows when an exercise went green, even under plain
//! `cargo test`.
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
    /// The newest results file (its modification time, in milliseconds
    /// since 1970) that a report which reached the instructor was built
    /// from: results newer than this are pending.
    #[serde(default)]
    pub covered_ms: Option<u64>,
}

/// A report of pending results, waiting to be sent before the next one.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Outbox {
    /// The newest results file it was built from (see
    /// [`Status::covered_ms`]).
    covered_ms: u64,
    /// The report, dated when those results were written.
    report: ClassroomReport,
}

fn joined_path(root: &Path) -> PathBuf {
    root.join(".workbook").join("class.json")
}

fn status_path(root: &Path) -> PathBuf {
    root.join(".workbook").join("class-status.json")
}

fn outbox_path(root: &Path) -> PathBuf {
    root.join(".workbook").join("outbox.json")
}

/// Writes `text` whole under a temporary name, then renames it into place.
fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
}

/// When a file was last written, in milliseconds since 1970.
fn written_ms(path: &Path) -> Option<u64> {
    let at = std::fs::metadata(path).ok()?.modified().ok()?;
    let since = at.duration_since(std::time::UNIX_EPOCH).ok()?;
    u64::try_from(since.as_millis()).ok()
}

/// The newest of the chapters' results files, in milliseconds since 1970.
fn newest_results(root: &Path, manifest: &Manifest) -> Option<u64> {
    manifest
        .chapters
        .iter()
        .filter_map(|c| written_ms(&grade::results_path(root, c)))
        .max()
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
        let _ = write_whole(&status_path(root), &(text + "\n"));
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
    // Pending results of another class (or another name) are not this one's.
    let _ = std::fs::remove_file(outbox_path(root));
    Ok(joined)
}

/// `leave`: forgets the class.
pub fn leave(root: &Path) -> Result<bool, String> {
    let path = joined_path(root);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            let _ = std::fs::remove_file(status_path(root));
            let _ = std::fs::remove_file(outbox_path(root));
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
    post_answered(joined, body).map_err(|refused| refused.why)
}

/// Why a report was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused {
    /// The server's status code, when it answered.
    status: Option<u16>,
    /// What to tell the learner.
    why: String,
}

impl Refused {
    /// Whether the report itself was refused (malformed, too large, an
    /// exercise the course does not have), so sending it again is no use;
    /// not so for a wrong token, a rate limit or a server that is away.
    fn for_good(&self) -> bool {
        matches!(self.status, Some(400 | 413 | 422))
    }
}

impl From<String> for Refused {
    fn from(why: String) -> Refused {
        Refused { status: None, why }
    }
}

fn post_answered(joined: &Joined, body: &[u8]) -> Result<String, Refused> {
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
        Err(Refused {
            status: Some(status),
            why: format!("the instructor's server refused it ({status}): {text}"),
        })
    }
}

/// Before a `grade` or `watch` run: when a plain `cargo test` left results
/// since the last report reached the instructor, puts them in a report of
/// their own, dated when the newest of them was written, for the sending
/// after the run to post first (see the module documentation). Does
/// nothing outside a class, or when nothing is pending. Never fails: at
/// worst the run's own report carries those results, dated later.
pub fn pick_up(root: &Path, manifest: &Manifest) {
    let Some(joined) = joined(root) else {
        return;
    };
    let Some(newest) = newest_results(root, manifest) else {
        return;
    };
    if status(root).covered_ms.is_some_and(|c| newest <= c) {
        return;
    }
    let Ok(Some(mut report)) = latest_report(root, manifest, &joined.name) else {
        return;
    };
    let at = std::time::UNIX_EPOCH + Duration::from_millis(newest);
    report.graded_at = Some(crate::class::time::rfc3339(at));
    let outbox = Outbox {
        covered_ms: newest,
        report,
    };
    if let Ok(text) = serde_json::to_string_pretty(&outbox) {
        let _ = write_whole(&outbox_path(root), &(text + "\n"));
    }
}

/// Whether results are waiting to be sent: a report in the outbox.
pub fn pending_results(root: &Path) -> bool {
    outbox_path(root).is_file()
}

/// Posts the outbox's report, if there is one; it is kept for the next
/// sending unless it was taken, or refused for good.
fn send_outbox(root: &Path, joined: &Joined) -> Result<Option<u64>, Refused> {
    let path = outbox_path(root);
    let Some(outbox) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<Outbox>(&t).ok())
    else {
        let _ = std::fs::remove_file(&path);
        return Ok(None);
    };
    let body = serde_json::to_vec(&outbox.report).map_err(|e| Refused::from(e.to_string()))?;
    match post_answered(joined, &body) {
        Ok(_) => {
            let _ = std::fs::remove_file(&path);
            Ok(Some(outbox.covered_ms))
        }
        Err(refused) => {
            if refused.for_good() {
                let _ = std::fs::remove_file(&path);
            }
            Err(refused)
        }
    }
}

/// `submit`: sends the latest report now, and records how it went.
pub fn submit(root: &Path, manifest: &Manifest) -> Result<String, String> {
    let Some(joined) = joined(root) else {
        return Err(
            "not in a class: join one with `cargo workbook join URL TOKEN --name NAME`".to_owned(),
        );
    };
    // Pending results first, so the instructor sees them in the order
    // they were graded in.
    let mut covered = None;
    let result = match send_outbox(root, &joined) {
        Ok(sent) => {
            covered = sent;
            Ok(())
        }
        Err(refused) => Err(refused.why),
    };
    // The newest results file this report is built from: read before the
    // files are, so a file written meanwhile stays pending.
    let newest = newest_results(root, manifest);
    let result = result.and_then(|()| {
        latest_report(root, manifest, &joined.name).and_then(|report| {
            let Some(report) = report else {
                return Ok("nothing graded yet: nothing to send".to_owned());
            };
            let body = serde_json::to_vec(&report).map_err(|e| e.to_string())?;
            let said = post(&joined, &body)?;
            covered = covered.max(newest);
            Ok(said)
        })
    });
    record(root, &result, covered);
    result
}

/// Records how a sending went: a failure is to be told once, unless it
/// is the same as the last one, told already; `covered` is the newest
/// results file a report that was taken was built from.
fn record(root: &Path, result: &Result<String, String>, covered: Option<u64>) {
    let mut status = status(root);
    status.covered_ms = status.covered_ms.max(covered);
    match result {
        Ok(_) => {
            status = Status {
                sent_at: Some(crate::class::time::rfc3339(std::time::SystemTime::now())),
                error: None,
                told: false,
                covered_ms: status.covered_ms,
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
    let waiting = if pending_results(root) {
        "; results of a plain `cargo test` wait to be sent by the next `grade` or `watch`"
    } else {
        ""
    };
    format!("class: joined {} as {} ({how}{waiting})", j.url, j.name)
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
        record(&root, &offline, None);
        assert!(notice(&root).is_some_and(|l| l.contains("did not answer")));
        assert_eq!(notice(&root), None, "said once");
        record(&root, &offline, None);
        assert_eq!(
            notice(&root),
            None,
            "the same failure again: still said once"
        );
        record(&root, &Err("refused it (401)".to_owned()), None);
        assert!(
            notice(&root).is_some_and(|l| l.contains("401")),
            "a new failure is said"
        );
        record(&root, &Ok("report kept".to_owned()), None);
        assert_eq!(notice(&root), None);
        assert!(status(&root).sent_at.is_some());
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A server on 127.0.0.1:0 that answers one request with `status`.
    fn answering(status: u16) -> (String, std::thread::JoinHandle<()>) {
        use std::io::{BufRead as _, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let url = format!("http://{}/", listener.local_addr().expect("its address"));
        let server = std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(&stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = n.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = std::io::Read::read_exact(&mut reader, &mut body);
            let _ = (&stream).write_all(
                format!("HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                    .as_bytes(),
            );
        });
        (url, server)
    }

    /// Proves a pending report is sent once and then forgotten, kept for
    /// the next sending when the instructor is away, refuses the token or
    /// asks to wait, and dropped when the report itself is refused (no
    /// sending could ever deliver it).
    #[test]
    fn a_pending_report_is_kept_until_it_is_taken_or_refused_for_good() {
        let root = std::env::temp_dir().join(format!("workbook-outbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let pending = r#"{"covered_ms": 42, "report": {"version": 1, "status": "fail",
            "max_score": 1, "score": 0, "learner": "ada", "tests": []}}"#;
        for (status, kept, sent) in [
            (503, true, None),
            (401, true, None),
            (429, true, None),
            (422, false, None),
            (201, false, Some(Some(42))),
        ] {
            write_whole(&outbox_path(&root), pending).expect("an outbox");
            assert!(pending_results(&root));
            let (url, server) = answering(status);
            let joined = Joined {
                url,
                token: "t".repeat(16),
                name: "ada".to_owned(),
            };
            let result = send_outbox(&root, &joined);
            let _ = server.join();
            assert_eq!(result.as_ref().ok().copied(), sent, "{status}: {result:?}");
            assert_eq!(pending_results(&root), kept, "{status}");
        }
        // Nothing pending: nothing sent, nothing to say.
        let unreachable = Joined {
            url: "http://127.0.0.1:9/".to_owned(),
            token: String::new(),
            name: String::new(),
        };
        assert_eq!(send_outbox(&root, &unreachable), Ok(None));
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
