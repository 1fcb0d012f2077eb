//! The harness itself, against a one-page server of its own: the language a browser asks for
//! (tests of language negotiation rely on it), typing, clicking and reading.

use std::io::Write as _;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::harness::{Browser, Options, assert_no_serious, listing};

/// Serves, to any request, a page whose `<h1>` is the `Accept-Language` it was sent and a field
/// whose button copies its value into `#out`. Returns the base URL.
async fn echo_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request);
                let language = request
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("accept-language")
                            .then(|| value.trim().to_owned())
                    })
                    .unwrap_or_default();
                let body = format!(
                    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                     <title>Echo</title></head><body><main><h1>{}</h1>\
                     <label for=\"q\">Search</label><input id=\"q\" value=\"old\">\
                     <button type=\"button\" id=\"go\" onclick=\"document.getElementById('out')\
                     .textContent = document.getElementById('q').value\">Copy</button>\
                     <p id=\"out\"></p></main></body></html>",
                    html_escape::encode_text(&language)
                );
                let mut response = Vec::new();
                let _ = write!(
                    response,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(&response).await;
            });
        }
    });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_asks_for_french_unless_told_otherwise() {
    let base = echo_server().await;
    let Some(browser) = Browser::start(&base).await else {
        return;
    };
    browser.goto("/").await;
    assert_eq!(browser.text("h1").await, "fr-FR,fr;q=0.9");
    browser.close().await;

    let browser = Browser::start_with(&base, Options::lang("en-GB"))
        .await
        .expect("chromedriver was found a moment ago");
    browser.goto("/").await;
    assert_eq!(browser.text("h1").await, "en-GB,en;q=0.9");
    assert_eq!(browser.eval("navigator.language").await, "en-GB");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fill_click_and_text_drive_a_form() {
    let base = echo_server().await;
    let Some(browser) = Browser::start(&base).await else {
        return;
    };
    browser.goto("/form").await;
    browser.fill("#q", "google drive").await;
    browser.click("#go").await;
    assert_eq!(browser.text("#out").await, "google drive");
    assert_eq!(browser.path().await, "/form");
    assert!(!browser.exists("#nothing").await);

    // A page axe must pass: the harness reports no false alarm on correct markup.
    assert_no_serious(&browser.axe_check().await, "the echo page");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_a_field_without_a_label() {
    let base = echo_server().await;
    let Some(browser) = Browser::start(&base).await else {
        return;
    };
    browser.goto("/").await;
    browser
        .eval("document.querySelector('label').remove() || true")
        .await;

    let violations = browser.axe_check().await;
    assert_eq!(browser.eval("typeof axe").await, "object", "axe-core ran");
    let label = violations
        .iter()
        .find(|v| v.id == "label")
        .unwrap_or_else(|| panic!("axe missed the unlabelled field:\n{}", listing(&violations)));
    assert!(label.is_serious(), "{label}");
    assert!(
        label.nodes.iter().any(|n| n.html.contains("id=\"q\"")),
        "{label}"
    );
    let failure = std::panic::catch_unwind(|| assert_no_serious(&violations, "the echo page"))
        .expect_err("a serious violation fails the test");
    let message = failure
        .downcast_ref::<String>()
        .expect("a formatted message");
    assert!(
        message.contains("on the echo page") && message.contains("label"),
        "{message}"
    );
    browser.close().await;
}
