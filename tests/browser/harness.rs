//! `Browser`: headless Chromium driven over WebDriver (chromedriver + fantoccini), pointed at
//! one node, with the small helpers page tests are written with (`goto`, `fill`, `click`,
//! `text`, `wait_for`), screenshots kept as test artefacts, and the axe-core accessibility
//! check.
//!
//! A browser is started only with both chromedriver and axe-core at hand, so an accessibility
//! check can never pass without running: where either is missing the case is skipped, counted
//! (`helpers::skip`), and fails on CI. `.ci/with-browser` installs Chromium and chromedriver,
//! `.ci/with-node` Node.js and npm (axe-core installs with `npm ci`). This module owns the
//! browser process and nothing of the node: tests start their node with `TestNodes`.

// Each test uses a different part of the harness.
#![allow(dead_code)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::helpers::{eventually, skip};

/// How long `wait_for` waits for an element before failing the test: generous, since it costs
/// only when the element never comes, and browsers share two cores with the other tests.
const WAIT: Duration = Duration::from_secs(30);

/// The window every screenshot is taken in, so screenshots compare across runs.
const WINDOW: &str = "--window-size=1280,900";

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// chromedriver: `MAILLAGE_TEST_CHROMEDRIVER`, else Debian's `/usr/bin/chromedriver`.
fn chromedriver() -> Option<PathBuf> {
    env_path("MAILLAGE_TEST_CHROMEDRIVER")
        .or_else(|| Some(PathBuf::from("/usr/bin/chromedriver")))
        .filter(|p| p.is_file())
}

/// Chromium: `MAILLAGE_TEST_CHROMIUM`, else Debian's `/usr/bin/chromium` if present, else
/// whatever chromedriver finds by itself.
fn chromium() -> Option<PathBuf> {
    env_path("MAILLAGE_TEST_CHROMIUM")
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|p| p.is_file())
}

/// What differs between browsers a test may start.
#[derive(Debug, Clone)]
pub struct Options {
    /// The UI language and the `Accept-Language` the browser sends, e.g. `fr-FR`, `en-GB`.
    pub lang: String,
    /// Whether pages may run JavaScript (the site must work without it).
    pub javascript: bool,
}

impl Default for Options {
    fn default() -> Self {
        // The audience of the directory reads French first.
        Self {
            lang: "fr-FR".into(),
            javascript: true,
        }
    }
}

impl Options {
    pub fn lang(lang: &str) -> Self {
        Self {
            lang: lang.into(),
            ..Self::default()
        }
    }

    /// A French browser whose pages run no script (WebDriver commands still work).
    pub fn without_javascript() -> Self {
        Self {
            javascript: false,
            ..Self::default()
        }
    }

    /// `fr-FR` -> `fr-FR,fr`: what a real browser set to that language sends.
    fn accept_languages(&self) -> String {
        match self.lang.split_once('-') {
            Some((primary, _)) => format!("{},{primary}", self.lang),
            None => self.lang.clone(),
        }
    }

    fn capabilities(&self) -> serde_json::Map<String, Value> {
        let mut chrome = json!({
            "args": [
                "--headless=new",
                // Tests run as root in containers, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--disable-gpu",
                // /dev/shm is tiny in containers; Chromium crashes on big pages without this.
                "--disable-dev-shm-usage",
                WINDOW,
                format!("--lang={}", self.lang),
            ],
            // `--lang` sets the UI language; the header pages are negotiated on comes from here.
            "prefs": {"intl.accept_languages": self.accept_languages()},
        });
        if !self.javascript {
            chrome["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        if let Some(binary) = chromium() {
            chrome["binary"] = json!(binary);
        }
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": chrome});
        match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }
}

/// A chromedriver process and its Chromium, in a process group of their own so that nothing
/// outlives the test, even one that panics before `close`.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn spawn(binary: &Path) -> Self {
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits (bounded) until chromedriver answers `/status` as ready.
    async fn ready(&mut self) {
        let client = reqwest::Client::new();
        let url = format!("{}/status", self.url());
        let child = std::sync::Mutex::new(&mut self.child);
        eventually("chromedriver to be ready", || {
            let (client, url, child) = (&client, &url, &child);
            async move {
                if let Ok(Some(status)) = child.lock().unwrap().try_wait() {
                    panic!("chromedriver exited at start: {status}");
                }
                let body: Value = client.get(url).send().await.ok()?.json().await.ok()?;
                (body["value"]["ready"] == true).then_some(())
            }
        })
        .await;
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Headless Chromium pointed at one node. Fields are public for what the helpers do not
/// cover: `client` is the whole WebDriver API.
pub struct Browser {
    pub client: Client,
    /// The node's base URL, `http://localhost:PORT`; `goto` paths are relative to it.
    pub base: String,
    driver: Driver,
}

impl Browser {
    /// A French-speaking browser on the node at `base`, or `None` (after saying so) where
    /// chromedriver is not installed and this is not CI.
    pub async fn start(base: &str) -> Option<Self> {
        Self::start_with(base, Options::default()).await
    }

    pub async fn start_with(base: &str, options: Options) -> Option<Self> {
        let Some(binary) = chromedriver() else {
            skip(
                "needs chromedriver: set MAILLAGE_TEST_CHROMEDRIVER, or run .ci/with-browser cargo test",
            );
            return None;
        };
        // Installed before the browser starts: a page check must never pass without axe.
        if let Err(why) = tokio::task::spawn_blocking(axe_source)
            .await
            .expect("axe install")
        {
            skip(&format!(
                "needs axe-core for the accessibility checks: {why}"
            ));
            return None;
        }
        let mut driver = Driver::spawn(&binary);
        driver.ready().await;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(options.capabilities())
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("chromedriver refused a Chromium session: {e}"));
        Some(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            driver,
        })
    }

    /// Ends the WebDriver session (Chromium quits); dropping the browser kills what is left.
    pub async fn close(self) {
        let Self { client, driver, .. } = self;
        let _ = client.close().await;
        drop(driver);
    }

    /// `path` on the node (`/centres/loire`), or an absolute URL.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// The current page printed to PDF by Chromium (the WebDriver "Print Page" command: print
    /// stylesheet, A4-ish letter default, backgrounds off), as a person's Ctrl+P would.
    pub async fn print_pdf(&self) -> Vec<u8> {
        self.client
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .unwrap_or_else(|e| panic!("printing the page: {e}"))
    }

    /// Opens `path` and waits for the page to load.
    pub async fn goto(&self, path: &str) {
        let url = self.url(path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The current URL's path and query, to assert where a click led.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The first element matching `css`, waiting for it (bounded) to appear.
    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no element `{css}` on {} after {WAIT:?}: {e}",
                self.path().await
            ),
        }
    }

    /// Whether an element matching `css` is on the page now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// The rendered text of the first element matching `css`, trimmed.
    pub async fn text(&self, css: &str) -> String {
        let element = self.wait_for(css).await;
        element
            .text()
            .await
            .unwrap_or_else(|e| panic!("cannot read the text of `{css}`: {e}"))
            .trim()
            .to_owned()
    }

    /// The texts of every element matching `css`, in document order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for `{css}`: {e}"));
        let mut texts = Vec::with_capacity(elements.len());
        for element in elements {
            texts.push(
                element
                    .text()
                    .await
                    .expect("element text")
                    .trim()
                    .to_owned(),
            );
        }
        texts
    }

    /// Types `text` into the field matching `css`, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.wait_for(css).await;
        element
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear `{css}`: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
    }

    /// Sends keys to the element matching `css`, as typed (`fantoccini::key::Key` for
    /// arrows and Enter), without clearing it.
    pub async fn press(&self, css: &str, keys: &str) {
        let element = self.wait_for(css).await;
        element
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
    }

    /// An attribute of the first element matching `css` (waiting for it), None when absent.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.wait_for(css).await;
        element
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("cannot read `{name}` of `{css}`: {e}"))
    }

    /// Waits (bounded) until the page's path and query are `expected`: after a click or a key
    /// that navigates.
    pub async fn wait_for_path(&self, expected: &str) {
        eventually(&format!("the page at {expected}"), || async {
            (self.path().await == expected).then_some(())
        })
        .await;
    }

    /// Clicks the element matching `css` (a link or a button: follow with `wait_for` on what
    /// the next page shows, never a sleep).
    pub async fn click(&self, css: &str) {
        let element = self.wait_for(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub async fn eval(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("cannot evaluate `{expression}`: {e}"))
    }

    /// Presses Tab once, as a person on the keyboard does (to the focused element, or to the
    /// page when nothing has focus).
    pub async fn press_tab(&self) {
        use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down {
                value: Key::Tab.into(),
            })
            .then(KeyAction::Up {
                value: Key::Tab.into(),
            });
        self.client
            .perform_actions(tab)
            .await
            .unwrap_or_else(|e| panic!("cannot press Tab: {e}"));
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        screenshot(&self.client, name).await
    }

    pub async fn axe_check(&self) -> Vec<Violation> {
        axe_check(&self.client).await
    }
}

/// Where screenshots go: `MAILLAGE_TEST_ARTIFACTS`, else `browser-artifacts/` in the cargo
/// target directory (`CARGO_TARGET_DIR` or `target/`).
pub fn artifacts_dir() -> PathBuf {
    env_path("MAILLAGE_TEST_ARTIFACTS").unwrap_or_else(|| {
        // CARGO_TARGET_TMPDIR is `<target dir>/tmp`, whatever `--target-dir` or
        // `CARGO_TARGET_DIR` chose.
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target directory")
            .join("browser-artifacts")
    })
}

/// Saves a PNG of the window as `<artefacts>/<name>.png` and prints where. Tests run in
/// parallel: name screenshots after the test (`search-results`, `login-form-error`), so that
/// no two tests write the same file.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client
        .screenshot()
        .await
        .unwrap_or_else(|e| panic!("cannot take screenshot {name}: {e}"));
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = dir.join(format!("{file}.png"));
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    let _ = writeln!(std::io::stderr(), "screenshot: {}", path.display());
    path
}

/// One rule axe-core found broken, and where.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViolationNode {
    /// CSS selectors of the element (nested lists inside shadow DOM or frames).
    pub target: Vec<Value>,
    pub html: String,
    pub failure_summary: Option<String>,
}

impl Violation {
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "[{}] {}: {} ({})",
            self.impact.as_deref().unwrap_or("?"),
            self.id,
            self.help,
            self.help_url
        )?;
        for node in &self.nodes {
            let target: Vec<String> = node
                .target
                .iter()
                .map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_owned))
                .collect();
            writeln!(f, "    at {}: {}", target.join(" > "), node.html)?;
            if let Some(summary) = &node.failure_summary {
                for line in summary.lines() {
                    writeln!(f, "      {line}")?;
                }
            }
        }
        Ok(())
    }
}

fn axe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/axe")
}

/// axe-core's `axe.min.js`, installing it first with `npm ci` (pinned in
/// `tests/browser/axe/package-lock.json`), or why it cannot be had here.
fn axe_source() -> Result<&'static str, String> {
    static SOURCE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    // Once per test process: tests run in parallel and must not run `npm ci` side by side.
    let source = SOURCE.get_or_init(|| {
        let dir = axe_dir();
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .status();
            match status {
                Ok(s) if s.success() => {}
                Ok(s) => return Err(format!("npm ci failed in {}: {s}", dir.display())),
                Err(e) => {
                    return Err(format!(
                        "npm is not available ({e}): install Node.js and npm, or run .ci/with-node cargo test"
                    ));
                }
            }
        }
        std::fs::read_to_string(&script).map_err(|e| format!("{}: {e}", script.display()))
    });
    source.as_deref().map_err(Clone::clone)
}

/// The WCAG 2.0 and 2.1 A/AA rules only: best practices are advice, not failures.
const AXE_RUN: &str = r"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
  resultTypes: ['violations'],
}).then(
  (results) => done({violations: results.violations}),
  (error) => done({error: String(error)}),
);
";

/// Runs axe-core in the page as it is now and returns the WCAG A/AA violations. Never empty
/// for want of axe: a `Browser` only starts where axe-core is installed.
pub async fn axe_check(client: &Client) -> Vec<Violation> {
    let source = tokio::task::spawn_blocking(axe_source)
        .await
        .expect("axe install")
        .unwrap_or_else(|why| panic!("axe-core is not installed: {why}"));
    client
        .execute(source, vec![])
        .await
        .unwrap_or_else(|e| panic!("cannot inject axe-core: {e}"));
    let result = client
        .execute_async(AXE_RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
    if let Some(error) = result.get("error") {
        panic!("axe.run failed: {error}");
    }
    serde_json::from_value(result["violations"].clone())
        .unwrap_or_else(|e| panic!("unexpected axe-core result ({e}): {result}"))
}

/// Every violation, one readable block each.
pub fn listing(violations: &[Violation]) -> String {
    violations.iter().map(ToString::to_string).collect()
}

/// Fails the test on any `serious` or `critical` violation, listing them all.
pub fn assert_no_serious(violations: &[Violation], page_name: &str) {
    let serious: Vec<Violation> = violations
        .iter()
        .filter(|v| v.is_serious())
        .cloned()
        .collect();
    assert!(
        serious.is_empty(),
        "{} serious or critical accessibility violation(s) on {page_name}:\n{}",
        serious.len(),
        listing(&serious)
    );
}

/// Prints the violations without failing: for pages known not to pass yet.
pub fn report(violations: &[Violation], page_name: &str) {
    let text = if violations.is_empty() {
        format!("axe: no WCAG A/AA violation on {page_name}\n")
    } else {
        format!(
            "axe: {} WCAG A/AA violation(s) on {page_name}:\n{}",
            violations.len(),
            listing(violations)
        )
    };
    let _ = std::io::stderr().write_all(text.as_bytes());
}
