//! The README's command-line examples, run as written: each command is read from the README
//! itself (so the two cannot drift apart) and run with the built binary in place of
//! `cargo run --`, in a fresh directory, on a free port in place of 8080.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};

const README: &str = include_str!("../../README.md");
const PASSWORD: &str = "une phrase de passe solide";

/// The command of the README's `sh` blocks that contains `needle`, its continuation lines
/// joined and its comment dropped. Panics when there is none: the README changed, so must this
/// test.
fn readme_command(needle: &str) -> String {
    let mut in_sh = false;
    let mut command = String::new();
    for line in README.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            command.clear();
            continue;
        }
        if !in_sh {
            continue;
        }
        let in_quotes = command.matches('\'').count() % 2 == 1;
        if in_quotes {
            // Inside a quoted argument (a JSON body over several lines) nothing is a comment
            // and the line goes on.
            command.push(' ');
            command.push_str(line.trim());
        } else if line.trim_start().starts_with('#') {
            continue;
        } else {
            let code = line.split(" #").next().unwrap().trim();
            match code.strip_suffix('\\') {
                Some(start) => {
                    command.push_str(start);
                    continue;
                }
                None => command.push_str(code),
            }
        }
        if command.matches('\'').count() % 2 == 1 {
            continue;
        }
        if command.contains(needle) {
            return command.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        command.clear();
    }
    panic!("no command with `{needle}` in the README's sh blocks");
}

/// A terminal in a fresh directory, with no MAILLAGE_ setting but the port.
struct Terminal {
    dir: tempfile::TempDir,
    port: u16,
}

impl Terminal {
    fn new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self {
            dir: tempfile::tempdir().unwrap(),
            port,
        }
    }

    fn base(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }

    /// `NAME=VALUE... cargo run [-q] -- ARGS`, as a shell would run it, with the binary.
    fn command(&self, line: &str) -> Command {
        let line = line.replace("8080", &self.port.to_string());
        let mut words = line.split_whitespace();
        let mut cmd = crate::cli::bare();
        // The port alone: the domain follows it (localhost:PORT).
        cmd.current_dir(self.dir.path())
            .env("MAILLAGE_BIND", format!("127.0.0.1:{}", self.port));
        for word in words.by_ref() {
            if word == "cargo" {
                break;
            }
            let (name, value) = word.split_once('=').expect("NAME=VALUE before cargo");
            cmd.env(name, value);
        }
        assert_eq!(words.next(), Some("run"), "{line}");
        for word in words.by_ref() {
            if word == "--" {
                break;
            }
        }
        cmd.args(words);
        cmd
    }
}

/// The node a README command started, stopped when dropped (also when the test fails).
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `line` and returns it with its banner, once printed (bounded wait).
fn serve(terminal: &Terminal, line: &str) -> (Serving, String) {
    let mut child = terminal
        .command(line)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let serving = Serving(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut banner = String::new();
    while !banner.contains("Stop with Ctrl-C.") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                banner.push_str(&line);
                banner.push('\n');
            }
            Err(e) => panic!("`{line}` printed no banner ({e}): {banner}"),
        }
    }
    (serving, banner)
}

/// A browser's cookie jar, reduced to what a login needs.
fn remember(jar: &mut Vec<String>, res: &reqwest::Response) {
    for value in res.headers().get_all(SET_COOKIE) {
        let pair = value
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let name = pair.split('=').next().unwrap().to_owned();
        jar.retain(|c| !c.starts_with(&format!("{name}=")));
        jar.push(pair);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_commands_work_as_written() {
    let terminal = Terminal::new();
    let create_user = readme_command("admin create-user camille");
    let run_with_password = |line: &str| {
        let mut child = terminal
            .command(line)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
        child.wait_with_output().unwrap()
    };

    // Without the local-demo setting a command is refused before it writes anything, and the
    // message names the setting to add: no https://localhost ids that nothing serves.
    let forgotten = create_user.replace("MAILLAGE_FEDERATION_INSECURE=true ", "");
    assert_ne!(forgotten, create_user, "the README says it");
    let out = run_with_password(&forgotten);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("MAILLAGE_FEDERATION_INSECURE=true")
            && stderr.contains("federation.insecure"),
        "{stderr}"
    );
    assert!(
        !terminal.dir.path().join("data").exists(),
        "nothing written"
    );

    let (_node, banner) = serve(&terminal, &readme_command("cargo run -- serve --demo"));
    assert!(
        banner.contains(&format!("Website:     {}\n", terminal.base())),
        "{banner}"
    );
    // It says how to run a command on this node, and that command works.
    let token_line = banner.lines().find(|l| l.contains("Admin token:")).unwrap();
    let command = token_line
        .split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("a command: {token_line}"));
    assert_eq!(
        command,
        format!(
            "MAILLAGE_FEDERATION_INSECURE=true MAILLAGE_BIND=127.0.0.1:{} maillage token create",
            terminal.port
        )
    );

    // The account, and the login link it prints, which works.
    let out = run_with_password(&create_user);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let link = stderr
        .split("Log in at ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a login link: {stderr}"))
        .to_owned();
    assert_eq!(link, format!("{}admin/login", terminal.base()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar = Vec::new();
    let form = client.get(&link).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    remember(&mut jar, &form);
    let html = scraper::Html::parse_document(&form.text().await.unwrap());
    let csrf = html
        .select(&scraper::Selector::parse("input[name=csrf]").unwrap())
        .next()
        .and_then(|input| input.value().attr("value"))
        .expect("the login form's CSRF token")
        .to_owned();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("name", "camille"),
            ("password", PASSWORD),
            ("next", "/admin"),
        ])
        .finish();
    let logged_in = client
        .post(&link)
        .header(COOKIE, jar.join("; "))
        .header(ORIGIN, terminal.base().trim_end_matches('/'))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(logged_in.headers()[LOCATION], "/admin");
    remember(&mut jar, &logged_in);
    let admin = client
        .get(format!("{}admin", terminal.base()))
        .header(COOKIE, jar.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), StatusCode::OK);

    // `TOKEN=$(...)`: a token the API takes; the centre's ids are the node's http URLs.
    let line = readme_command("token create --label me");
    let inner = line
        .strip_prefix("TOKEN=$(")
        .and_then(|l| l.strip_suffix(')'))
        .expect("TOKEN=$(...)");
    let out = terminal.command(inner).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let staff = client
        .get(format!(
            "{}api/v1/contacts?visibility=hidden",
            terminal.base()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(staff.status(), StatusCode::OK);
    let centres: serde_json::Value = client
        .get(format!("{}api/v1/centres", terminal.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = centres["results"][0]["id"].as_str().unwrap_or_default();
    assert!(id.starts_with(&terminal.base()), "{centres}");

    // The API examples that write, on this demo node: each is accepted as a new object (the
    // demo data already holds what they would duplicate otherwise).
    for needle in [
        "POST http://localhost:8080/api/v1/recommendations",
        "POST http://localhost:8080/api/v1/contacts",
    ] {
        let line = readme_command(needle);
        let path = line
            .split_whitespace()
            .find(|w| w.starts_with("http://localhost:8080/"))
            .unwrap()
            .trim_start_matches("http://localhost:8080/");
        let body = line
            .split(" -d '")
            .nth(1)
            .and_then(|rest| rest.strip_suffix('\''))
            .unwrap_or_else(|| panic!("a JSON body in `{line}`"));
        let res = client
            .post(format!("{}{path}", terminal.base()))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = res.status();
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{line}: {}",
            res.text().await.unwrap()
        );
    }
}
