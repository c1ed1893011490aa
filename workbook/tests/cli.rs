//! The command line itself, without grading anything: learners' help shows
//! learners' verbs, maintainers' tools sit under `dev`.

use assert_cmd::Command;

fn workbook(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("workbook")
        .expect("the workbook binary is built")
        .args(args)
        .output()
        .expect("the workbook command runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The verbs listed by `--help`, in order.
fn verbs(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Proves `cargo workbook --help` lists learners' and instructors' verbs
/// and a single `dev` line, and `dev --help` lists the maintainers' tools.
#[test]
fn help_keeps_maintainers_tools_under_dev() {
    let (code, help, _) = workbook(&["--help"]);
    assert_eq!(code, 0);
    assert_eq!(
        verbs(&help),
        [
            "grade", "watch", "hint", "reset", "solution", "cli", "server", "bench", "doctor",
            "report", "class", "join", "leave", "submit", "overlay", "dev", "help"
        ],
        "{help}"
    );
    assert!(help.contains("dev       Maintainers' tools"), "{help}");

    let (code, help, _) = workbook(&["dev", "--help"]);
    assert_eq!(code, 0);
    assert_eq!(verbs(&help), ["gen", "book-check", "help"], "{help}");
}

/// Proves the old spelling of a maintainers' verb still runs it, and says
/// where it went, with the arguments given.
#[test]
fn an_old_maintainers_verb_runs_and_names_its_new_spelling() {
    let (code, out, err) = workbook(&["gen", "--check", "2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("`cargo workbook dev gen --check 2`"), "{err}");
    assert!(out.contains("every chapter matches its solution"), "{out}");
}

/// A mini-redis server on a free port of 127.0.0.1, on a thread of its own
/// for the rest of the test process.
fn mini_redis_server() -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port");
            let port = listener.local_addr().expect("its address").port();
            tx.send(port).expect("the test waits for the port");
            let _ = mini_redis::server::run(listener, std::future::pending::<()>()).await;
        });
    });
    rx.recv().expect("the server thread sends its port")
}

/// Proves `cli` sends a command and prints its reply as redis-cli prints
/// it on a terminal, one command per call or one per line of its input,
/// and says what to do when nothing listens on the port.
#[test]
fn cli_talks_to_a_server_and_prints_replies_as_redis_cli_does() {
    let port = mini_redis_server().to_string();
    let run = |words: &[&str]| {
        let mut args = vec!["cli", "--port", &port];
        args.extend_from_slice(words);
        let (code, out, err) = workbook(&args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        out
    };
    assert_eq!(run(&["set", "hello", "world"]), "OK\n");
    assert_eq!(run(&["get", "hello"]), "\"world\"\n");
    assert_eq!(run(&["get", "nobody"]), "(nil)\n");
    assert_eq!(run(&["set", "crlf", "a\r\nb"]), "OK\n");
    assert_eq!(run(&["get", "crlf"]), "\"a\\r\\nb\"\n");
    // mini-redis knows no PING: an error reply, printed, and exit code 0.
    assert_eq!(
        run(&["frobnicate"]),
        "(error) ERR unknown command 'frobnicate'\n"
    );

    let out = Command::cargo_bin("workbook")
        .expect("the workbook binary is built")
        .args(["cli", "--port", &port])
        .write_stdin("set greeting \"hi there\"\nget greeting\n\nget 'open\nquit\nget hello\n")
        .output()
        .expect("the workbook command runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "OK\n\"hi there\"\n(error) unbalanced quotes: close the ' you opened\n"
    );

    // A port nobody listens on: the one of a listener just closed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let (code, _, err) = workbook(&["cli", "--port", &closed, "ping"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Is your server running?"), "{err}");
    assert!(err.contains("--example server"), "{err}");
}
