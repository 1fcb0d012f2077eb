//! A visitor of the website without a browser: keeps cookies, follows no redirect on its own
//! (tests look at them), sends a language, and parses pages as HTML (not by grepping).

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use scraper::{Html, Selector};

use crate::helpers::TestNode;

pub struct Visitor<'a> {
    node: &'a TestNode,
    client: reqwest::Client,
    language: String,
    cookies: Mutex<BTreeMap<String, String>>,
    /// The raw `Set-Cookie` headers received, for checking their attributes.
    pub set_cookies: Mutex<Vec<String>>,
}

pub struct Page {
    pub status: StatusCode,
    /// Read by the replica test (tests/federation/replicas.rs): which replica answered.
    #[allow(dead_code)]
    pub headers: reqwest::header::HeaderMap,
    pub location: Option<String>,
    pub html: Html,
    pub text: String,
}

impl Page {
    /// The text of the first element matching `css`, whitespace collapsed.
    pub fn text_of(&self, css: &str) -> Option<String> {
        let selector = Selector::parse(css).expect("a valid selector");
        self.html.select(&selector).next().map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// The texts of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let selector = Selector::parse(css).expect("a valid selector");
        self.html
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let selector = Selector::parse(css).expect("a valid selector");
        self.html
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(name))
            .map(str::to_owned)
    }

    pub fn count(&self, css: &str) -> usize {
        let selector = Selector::parse(css).expect("a valid selector");
        self.html.select(&selector).count()
    }

    /// Form controls without exactly one `<label for>` (a control with no id counts too).
    pub fn unlabelled_controls(&self) -> Vec<String> {
        let controls =
            Selector::parse("input:not([type=hidden]), select, textarea").expect("a selector");
        self.html
            .select(&controls)
            .filter_map(|e| {
                let id = e.value().attr("id").unwrap_or_default();
                (id.is_empty() || self.count(&format!("label[for='{id}']")) != 1).then(|| e.html())
            })
            .collect()
    }

    /// The page's CSRF token (the hidden `csrf` field of its forms).
    pub fn csrf(&self) -> String {
        self.attr("input[name=csrf]", "value")
            .expect("the page has a form with a CSRF token")
    }
}

impl<'a> Visitor<'a> {
    pub fn new(node: &'a TestNode, language: &str) -> Self {
        Self {
            node,
            client: node
                .client_builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            language: language.to_owned(),
            cookies: Mutex::new(BTreeMap::new()),
            set_cookies: Mutex::new(Vec::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&self, res: reqwest::Response) -> Page {
        for value in res.headers().get_all(SET_COOKIE) {
            let raw = value.to_str().unwrap().to_owned();
            let pair = raw.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if value.is_empty() || raw.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
            self.set_cookies.lock().unwrap().push(raw);
        }
        let status = res.status();
        let headers = res.headers().clone();
        let location = res
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let text = res.text().await.unwrap();
        Page {
            status,
            headers,
            location,
            html: Html::parse_document(&text),
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .client
            .get(self.node.url(path))
            .header(ACCEPT_LANGUAGE, &self.language)
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts a form as a browser on the node's own pages does (with its `Origin`).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_from(path, form, &self.node.base).await
    }

    pub async fn post_from(&self, path: &str, form: &[(&str, &str)], origin: &str) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let res = self
            .client
            .post(self.node.url(path))
            .header(ACCEPT_LANGUAGE, &self.language)
            .header(COOKIE, self.cookie_header())
            .header(ORIGIN, origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts a form with files (`multipart/form-data`) as a browser does: `files` are
    /// `(control, file name, content type, bytes)`; a file control left empty is sent as a
    /// browser sends it, with an empty file name and no content.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, Vec<u8>)],
    ) -> Page {
        let boundary = "----maillage-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let res = self
            .client
            .post(self.node.url(path))
            .header(ACCEPT_LANGUAGE, &self.language)
            .header(COOKIE, self.cookie_header())
            .header(ORIGIN, &self.node.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.lock().unwrap().contains_key(name)
    }

    /// Logs in through the login form; panics unless it works.
    pub async fn log_in(&self, name: &str, password: &str) {
        let form = self.get("/admin/login").await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.csrf();
        let res = self
            .post(
                "/admin/login",
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("password", password),
                    ("next", "/admin"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
        assert_eq!(res.location.as_deref(), Some("/admin"));
    }
}

/// Creates an admin account directly in the node's database (as `maillage admin create-user`
/// does; the CLI itself is tested in `cli.rs`).
pub async fn create_admin(node: &TestNode, name: &str, password: &str) {
    let (directory, _) = maillage::startup::open_directory(&node.settings)
        .await
        .expect("open the node's directory");
    assert!(directory.create_account(name, password).await.unwrap());
}
