//! The `maillage` binary: its commands, its errors, and where its output goes.

use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};

use crate::helpers::{Backend, TestNode, TestNodes};
use crate::on_both_backends;

/// The binary, configured through the environment exactly like the node `node` runs.
pub fn maillage(node: &TestNode) -> Command {
    let s = &node.settings;
    let mut cmd = bare();
    cmd.env("MAILLAGE_DOMAIN", &s.domain)
        .env("MAILLAGE_DATA_DIR", &s.data_dir)
        .env("MAILLAGE_DATABASE_URL", &node.database_url)
        .env("MAILLAGE_CENTRE_USERNAME", &s.centre.username)
        .env("MAILLAGE_CENTRE_NAME", &s.centre.name)
        .env(
            "MAILLAGE_FEDERATION_INSECURE",
            s.federation.insecure.to_string(),
        );
    cmd
}

/// The binary with no MAILLAGE_ setting inherited from the test's environment.
pub fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_maillage"));
    for (name, _) in std::env::vars() {
        if name.starts_with("MAILLAGE_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("MAILLAGE_LOG", "warn");
    cmd
}

#[test]
fn help_lists_the_commands() {
    let out = bare().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "import", "export", "token"] {
        assert!(help.contains(command), "{command} in {help}");
    }
}

#[test]
fn configuration_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_DOMAIN", "127.0.0.1:8080")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: MAILLAGE_DOMAIN: ") && stderr.contains("IP"),
        "{stderr}"
    );

    let config = dir.path().join("node.toml");
    std::fs::write(&config, "[database]\npool_sise = 3\n").unwrap();
    let out = bare()
        .current_dir(dir.path())
        .args(["--config", config.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pool_sise"));

    // A misspelt variable is refused, not ignored; each error is said once.
    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .env("MAILLAGE_DATABSE_URL", "sqlite://elsewhere.sqlite3")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean `MAILLAGE_DATABASE_URL`"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("MAILLAGE_DATABSE_URL").count(),
        1,
        "{stderr}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "refused before anything is written"
    );
}

#[test]
fn a_port_in_use_names_the_setting_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .env("MAILLAGE_BIND", &bind)
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&bind) && stderr.contains("MAILLAGE_BIND"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_the_default_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("data/maillage.sqlite3").is_file());
    assert!(out.stdout.is_empty(), "messages go to stderr");
    let again = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(again.status.success());
}

#[test]
fn an_unreachable_database_gives_its_real_error_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .env(
            "MAILLAGE_DATABASE_URL",
            "postgres://maillage@/maillage?host=/nonexistent-socket-dir",
        )
        .arg("migrate")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent-socket-dir"),
        "the libpq message: {stderr}"
    );
    // Generous bound: the point is "not the pool's 30 s timeout", not a benchmark.
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");

    let out = bare()
        .current_dir(dir.path())
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .env("MAILLAGE_DATABASE_URL", "mysql://localhost/maillage")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("database.url"));
}

async fn tokens(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let out = maillage(&node)
        .args(["token", "create", "--label", "ci"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("mlg_") && token.len() > 40, "{token}");
    let res = node
        .request(
            Method::GET,
            "/api/v1/contacts?visibility=hidden",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);

    let list = maillage(&node).args(["token", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains("ci") && list.contains("active"), "{list}");
    assert!(!list.contains(&token), "secrets are never listed");

    let out = maillage(&node)
        .args(["token", "revoke", &token])
        .output()
        .unwrap();
    assert!(out.status.success());
    let res = node
        .request(Method::GET, "/api/v1/contacts", Some(&token), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let out = maillage(&node)
        .args(["token", "revoke", &token])
        .output()
        .unwrap();
    assert!(!out.status.success(), "revoking twice says nothing matched");
}
on_both_backends!(tokens_from_the_command_line, tokens);

/// `maillage admin create-user NAME` reads the password from standard input when it is not a
/// terminal; the account then logs in through the website.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_create_user_then_log_in_on_the_website() {
    use std::io::Write;
    let node = TestNodes::one(Backend::Sqlite).await;
    let create = |password: &str| {
        let mut child = maillage(&node)
            .args(["admin", "create-user", "dominique"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let short = create("court");
    assert!(!short.status.success());
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(stderr.contains("password"), "{stderr}");
    assert_eq!(stderr.matches("at least").count(), 1, "said once: {stderr}");

    let out = create("une phrase de passe solide");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("dominique"));
    let list = maillage(&node).args(["admin", "list"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&list.stdout).trim(), "dominique");

    let visitor = crate::site::Visitor::new(&node, "fr");
    visitor
        .log_in("dominique", "une phrase de passe solide")
        .await;
    assert_eq!(visitor.get("/admin").await.status, StatusCode::OK);
}

/// `maillage healthcheck` (the container image's healthcheck) asks the node on `bind`
/// (a wildcard address, as in the image), and fails naming the address when nothing answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_asks_the_node_on_its_bind_address() {
    let [node] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let mut healthy = maillage(&node);
    healthy
        .env("MAILLAGE_BIND", format!("0.0.0.0:{}", node.port))
        .arg("healthcheck");
    let out = tokio::task::spawn_blocking(move || healthy.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("/healthz: 200"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let mut down = maillage(&node);
    down.env("MAILLAGE_BIND", &closed).arg("healthcheck");
    let out = tokio::task::spawn_blocking(move || down.output().unwrap())
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&closed) && stderr.contains("bind"),
        "{stderr}"
    );
}

/// `maillage follow` says why a typed address cannot be followed, in the operator's terms: a
/// name that does not exist is a typo (not a "local IP"), a `localhost:PORT` peer needs the
/// insecure local mode (not "invalid characters"). Nothing is contacted and nothing is stored.
#[test]
fn follow_names_why_a_target_cannot_be_followed() {
    let dir = tempfile::tempdir().unwrap();
    let follow = |target: &str| {
        let out = bare()
            .current_dir(dir.path())
            .env("MAILLAGE_DOMAIN", "centre.example.org")
            .env("MAILLAGE_BIND", "127.0.0.1:0")
            .args(["follow", target])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{target} followed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    let typo = follow("nobody@nowhere.invalid");
    assert!(
        typo.contains("`nowhere.invalid` does not exist") && typo.contains("spelling"),
        "{typo}"
    );
    assert!(
        !typo.contains("DANGER_") && !typo.contains("local IP"),
        "{typo}"
    );

    let local = follow("centre@localhost:8080");
    assert!(
        local.contains("`localhost:8080`") && local.contains("MAILLAGE_FEDERATION_INSECURE=true"),
        "{local}"
    );
    assert!(!local.contains("Invalid characters"), "{local}");

    let port = follow("centre@peer.example.org:8443");
    assert!(
        port.contains("`peer.example.org:8443` names a port"),
        "{port}"
    );
}
