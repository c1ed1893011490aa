//! `workbook cli`: a small Redis client, to talk to the server you wrote.
//!
//! It sends each command as an array of bulk strings, the way every Redis
//! client does, through mini-redis's `Connection`, and prints the reply the
//! way `redis-cli` prints it on a terminal: `"world"`, `(nil)`, `OK`,
//! `(error) ERR …`. It links no chapter crate: it talks to the learner's
//! server over TCP only, so a chapter that does not compile breaks nothing
//! here.
//!
//! With words after the options it sends one command and exits; without,
//! it stays connected and reads one command a line from standard input, as
//! `redis-cli` does.

use std::io::IsTerminal;
use std::time::Duration;

use bytes::Bytes;
use mini_redis::{Connection, Frame};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long a reply may take before the client says it is still waiting.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// Connects to `host:port` and sends `words` as one command, or, when
/// `words` is empty, each line of standard input. Returns the process's
/// exit code: 0 when every command got a reply (error replies included,
/// as with `redis-cli`), 1 when the conversation broke off.
pub fn main(host: &str, port: u16, words: Vec<String>) -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("workbook cli: cannot start a Tokio runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(session(host, port, words)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn session(host: &str, port: u16, words: Vec<String>) -> Result<(), String> {
    let socket = TcpStream::connect((host, port)).await.map_err(|e| {
        format!(
            "Could not connect to {host}:{port}: {e}\n\
             Is your server running? Start it in another terminal, for example:\n    \
             cargo run -p chapter-2 --example server -- --exercise 2.3 --port {port}"
        )
    })?;
    let mut connection = Connection::new(socket);
    if !words.is_empty() {
        let words = words
            .into_iter()
            .map(|w| Bytes::from(w.into_bytes()))
            .collect();
        let reply = ask(&mut connection, words).await?;
        println!("{}", render(&reply));
        return Ok(());
    }

    let interactive = std::io::stdin().is_terminal();
    let prompt = format!("{host}:{port}> ");
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    loop {
        if interactive {
            // The prompt has no newline: flush it by hand.
            let _ = stdout.write_all(prompt.as_bytes()).await;
            let _ = stdout.flush().await;
        }
        let Some(line) = lines
            .next_line()
            .await
            .map_err(|e| format!("cannot read standard input: {e}"))?
        else {
            return Ok(());
        };
        let words = match split_line(&line) {
            Ok(words) if words.is_empty() => continue,
            Ok(words) => words,
            Err(message) => {
                println!("(error) {message}");
                continue;
            }
        };
        if ["quit", "exit"]
            .iter()
            .any(|w| words[0].eq_ignore_ascii_case(w.as_bytes()))
        {
            return Ok(());
        }
        let reply = ask(&mut connection, words).await?;
        println!("{}", render(&reply));
    }
}

/// Sends one command and waits for its reply, saying so when the reply is
/// slow in coming.
async fn ask(connection: &mut Connection, words: Vec<Bytes>) -> Result<Frame, String> {
    let command = Frame::Array(words.into_iter().map(Frame::Bulk).collect());
    connection
        .write_frame(&command)
        .await
        .map_err(|e| format!("Error: cannot send the command: {e}"))?;
    let read = connection.read_frame();
    tokio::pin!(read);
    let reply = match tokio::time::timeout(PATIENCE, &mut read).await {
        Ok(reply) => reply,
        Err(_) => {
            eprintln!(
                "(no reply after {} s; still waiting, Ctrl-C gives up. A server that serves \
                 one client at a time answers only once the client before you has left.)",
                PATIENCE.as_secs()
            );
            read.await
        }
    };
    match reply {
        Ok(Some(frame)) => Ok(frame),
        Ok(None) => Err("Error: the server closed the connection without a reply. \
             (A server whose connection task panics or returns does this; \
             its terminal says more.)"
            .to_owned()),
        Err(e) => Err(format!("Error: the reply could not be read: {e}")),
    }
}

/// A reply as `redis-cli` prints it on a terminal.
pub fn render(frame: &Frame) -> String {
    let mut out = String::new();
    render_into(&mut out, frame, 0);
    out
}

fn render_into(out: &mut String, frame: &Frame, indent: usize) {
    match frame {
        Frame::Simple(text) => out.push_str(text),
        Frame::Error(text) => {
            out.push_str("(error) ");
            out.push_str(text);
        }
        Frame::Integer(n) => out.push_str(&format!("(integer) {n}")),
        Frame::Bulk(bytes) => out.push_str(&quote(bytes)),
        Frame::Null => out.push_str("(nil)"),
        Frame::Array(items) if items.is_empty() => out.push_str("(empty array)"),
        Frame::Array(items) => {
            // Numbered like redis-cli: nested items line up under their
            // parent's first character.
            let width = items.len().to_string().len();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                }
                let label = format!("{:>width$}) ", i + 1);
                out.push_str(&label);
                render_into(out, item, indent + label.len());
            }
        }
    }
}

/// Bytes in double quotes, escaped as `redis-cli` escapes them: printable
/// ASCII as is, `\n`, `\r`, `\t`, `\a`, `\b`, `\\` and `\"` by name, and
/// any other byte as `\xHH`.
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b' '..=b'~' => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Splits one typed line into a command's words, as `redis-cli` does:
/// spaces separate words; `"…"` may hold spaces and the escapes of
/// [`quote`]; `'…'` holds its text as is (`\'` for a quote).
pub fn split_line(line: &str) -> Result<Vec<Bytes>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            return Ok(words);
        };
        let mut word: Vec<u8> = Vec::new();
        if first == '"' || first == '\'' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == first {
                    closed = true;
                    break;
                }
                if c != '\\' {
                    push(&mut word, c);
                    continue;
                }
                let escaped = chars.next().ok_or("a `\\` ends the line")?;
                if first == '\'' {
                    if escaped != '\'' {
                        push(&mut word, '\\');
                    }
                    push(&mut word, escaped);
                    continue;
                }
                match escaped {
                    'n' => word.push(b'\n'),
                    'r' => word.push(b'\r'),
                    't' => word.push(b'\t'),
                    'a' => word.push(0x07),
                    'b' => word.push(0x08),
                    'x' => {
                        let hex: String = chars.by_ref().take(2).collect();
                        let byte = u8::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 2)
                            .ok_or(format!(
                                "`\\x{hex}` is not a byte: write two hex digits, as in \\x0a"
                            ))?;
                        word.push(byte);
                    }
                    other => push(&mut word, other),
                }
            }
            if !closed {
                return Err(format!("unbalanced quotes: close the {first} you opened"));
            }
            if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                return Err("a closing quote must be followed by a space".to_owned());
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                push(&mut word, c);
            }
        }
        words.push(Bytes::from(word));
    }
}

fn push(word: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    word.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_print_as_redis_cli_prints_them() {
        assert_eq!(render(&Frame::Simple("OK".into())), "OK");
        assert_eq!(render(&Frame::Bulk(Bytes::from("world"))), "\"world\"");
        assert_eq!(render(&Frame::Null), "(nil)");
        assert_eq!(
            render(&Frame::Error("ERR unknown command 'foo'".into())),
            "(error) ERR unknown command 'foo'"
        );
        assert_eq!(render(&Frame::Integer(7)), "(integer) 7");
        assert_eq!(render(&Frame::Array(vec![])), "(empty array)");
        let nested = Frame::Array(vec![
            Frame::Bulk(Bytes::from("a")),
            Frame::Array(vec![Frame::Integer(1), Frame::Null]),
        ]);
        assert_eq!(render(&nested), "1) \"a\"\n2) 1) (integer) 1\n   2) (nil)");
    }

    #[test]
    fn bulk_bytes_are_escaped_like_redis_cli() {
        assert_eq!(quote(b""), "\"\"");
        assert_eq!(quote(b"a \"b\" \\c"), r#""a \"b\" \\c""#);
        assert_eq!(quote(b"\r\n\t\x00\xff\x07"), r#""\r\n\t\x00\xff\a""#);
        assert_eq!(quote("é".as_bytes()), r#""\xc3\xa9""#);
    }

    #[test]
    fn typed_lines_split_into_words_with_quotes() {
        let words = |line: &str| -> Vec<Vec<u8>> {
            split_line(line)
                .unwrap()
                .into_iter()
                .map(|b| b.to_vec())
                .collect()
        };
        assert_eq!(
            words("  set hello   world "),
            [b"set".to_vec(), b"hello".to_vec(), b"world".to_vec()]
        );
        assert_eq!(
            words(r#"set k "two words\r\n\x00""#)[2],
            b"two words\r\n\x00"
        );
        assert_eq!(words(r"set k 'it\'s \n'")[2], b"it's \\n");
        assert!(words("").is_empty());
        assert!(split_line("get \"open").is_err());
        assert!(split_line(r#"get "a"b"#).is_err());
        assert!(split_line(r#"get "\x4""#).is_err());
        assert!(split_line(r#"get "\xzz""#).is_err());
    }
}
