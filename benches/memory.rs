//! Memory benchmark: the resident memory (RSS) of an idle node with the demo data, the way the
//! README starts one (`maillage serve --demo`, SQLite), measured on the real binary of this
//! build (release under `cargo bench`). Target from issue 17: under 32 MiB.
//!
//! The node starts, loads the demo data and builds its search index; a visitor then opens the
//! home page and two searches (so the figure includes what serving pages keeps: templates,
//! translations, the searcher); then nothing happens for `IDLE` and the kernel's figures are
//! read from `/proc/PID/status`: resident (anonymous: the heap, stacks; file-backed: the
//! binary's pages in use), the peak, and the threads. Checked first: the demo data is there
//! (a search finds it), and the node still answers `/healthz` after the idle time. A failed
//! check or a missed target exits with status 1. `-- --smoke` idles 3 s and checks only.
//! Linux only (`/proc`); elsewhere it says so and checks nothing.
//!
//! Run: `cargo bench --bench memory`. Results are kept in docs/benchmarks.md.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TARGET_MIB: f64 = 32.0;
const IDLE: Duration = Duration::from_secs(20);
const SMOKE_IDLE: Duration = Duration::from_secs(3);
const MIB: f64 = 1024.0 * 1024.0;

/// The node, killed when dropped.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// A GET over plain HTTP/1.1: `(status, body)`, or None when the node does not answer.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// The fields of `/proc/PID/status` given in kB, in bytes; `Threads` as is.
fn status_field(status: &str, name: &str) -> Option<f64> {
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")))?;
    let value: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(if line.ends_with("kB") {
        value * 1024.0
    } else {
        value
    })
}

/// Runs the benchmark; false when a check failed or the target was missed.
fn run(smoke: bool) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let node = Node(
        Command::new(env!("CARGO_BIN_EXE_maillage"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MAILLAGE_LOG", "error")
            .env("MAILLAGE_FEDERATION_INSECURE", "true")
            .env("MAILLAGE_BIND", format!("127.0.0.1:{port}"))
            .env("MAILLAGE_DATA_DIR", dir.path())
            .args(["serve", "--demo"])
            .stdout(Stdio::null())
            .spawn()
            .expect("start maillage serve --demo"),
    );
    let pid = node.0.id();
    let started = Instant::now();
    while get(port, "/healthz").map(|(s, _)| s) != Some(200) {
        if started.elapsed() > Duration::from_secs(120) {
            println!("the node did not answer /healthz within 120 s");
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut checked = true;
    match get(port, "/api/v1/search?q=visio") {
        Some((200, body)) => {
            let total = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["total"].as_i64())
                .unwrap_or(0);
            if total == 0 {
                println!("the demo data is missing: a search for \"visio\" found nothing");
                checked = false;
            }
        }
        other => {
            println!("search: {other:?}");
            checked = false;
        }
    }
    for path in ["/", "/search?q=google+drive"] {
        if get(port, path).map(|(s, _)| s) != Some(200) {
            println!("{path} did not answer 200");
            checked = false;
        }
    }
    std::thread::sleep(if smoke { SMOKE_IDLE } else { IDLE });
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        println!("idle RSS: not measured here (no /proc/{pid}/status: Linux only)");
        return checked;
    };
    if get(port, "/healthz").map(|(s, _)| s) != Some(200) {
        println!("the node stopped answering /healthz while idle");
        checked = false;
    }
    let field = |name| status_field(&status, name).unwrap_or(f64::NAN);
    let rss = field("VmRSS") / MIB;
    let ok = smoke || rss < TARGET_MIB;
    println!(
        "{:<44} {rss:>6.1} MiB   target < {TARGET_MIB} MiB  {}",
        format!(
            "idle RSS, demo data, {} s idle",
            if smoke { SMOKE_IDLE } else { IDLE }.as_secs()
        ),
        if smoke {
            "(smoke)"
        } else if ok {
            "ok"
        } else {
            "MISSED"
        }
    );
    println!(
        "  anonymous (heap, stacks) {:.1} MiB, file-backed (the binary's pages) {:.1} MiB, \
         peak {:.1} MiB, {} threads",
        field("RssAnon") / MIB,
        field("RssFile") / MIB,
        field("VmHWM") / MIB,
        field("Threads"),
    );
    checked && ok
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    println!(
        "Maillage memory benchmark ({} cores, `maillage serve --demo` on SQLite{})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if smoke {
            ", smoke run: checked, target not"
        } else {
            ""
        }
    );
    if !run(smoke) {
        println!("memory benchmark: a check failed or the target was missed (see above)");
        std::process::exit(1);
    }
}
