//! Every page at phone width (issue 12): a browser 360 px wide walks the demo node, public
//! pages and, logged in, the admin pages, following the site's own links once per kind of page
//! (`/software/*`, `/admin/places/*/edit`…), and no page may be wider than the screen.
//!
//! The walk proves it reached every kind of page the routers serve (`EXPECTED`): a new route
//! that no page links to fails here until it is listed, reached, and fits.

use std::collections::{BTreeMap, VecDeque};

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::Browser;
use crate::helpers::{Backend, TestNodes, eventually, key};
use crate::site::create_admin;

const PASSWORD: &str = "un mot de passe assez long";

/// The phone the issue measured on: the narrowest common screen.
const PHONE: u32 = 360;

/// Every kind of page of `web::routes` and `web::admin::routes` answered with a GET (the
/// static files, the language switch, the calendar and avatars are not pages).
const EXPECTED: &[&str] = &[
    "/",
    "/search",
    "/software/*",
    "/categories/*",
    "/centres",
    "/centres/*",
    "/places",
    "/places/*",
    "/providers",
    "/providers/*",
    "/tags/*",
    "/recommendations/*",
    "/contacts/*",
    "/events/*",
    "/admin/login",
    "/admin",
    "/admin/recommendations",
    "/admin/recommendations/new",
    "/admin/recommendations/*/edit",
    "/admin/recommendations/*/delete",
    "/admin/contacts",
    "/admin/contacts/new",
    "/admin/contacts/*/edit",
    "/admin/contacts/*/delete",
    "/admin/providers",
    "/admin/providers/new",
    "/admin/providers/*/edit",
    "/admin/providers/*/delete",
    "/admin/places",
    "/admin/places/new",
    "/admin/places/*/edit",
    "/admin/places/*/delete",
    "/admin/network",
    "/admin/networks",
    "/admin/profile",
    "/admin/accounts",
    "/admin/password",
    "/admin/audit",
    "/help",
    "/help/erase",
    "/admin/help",
    "/admin/help/*",
    "/admin/help/*/erase",
];

/// Path segments that name a page rather than a record.
const LITERAL: &[&str] = &["new", "edit", "delete", "erase"];

/// `/admin/places/12ab/edit?done=saved` -> `/admin/places/*/edit`: one visit per kind.
fn shape(link: &str) -> String {
    // The query is a filter of the same page (the search's facets would make hundreds).
    let path = link.split('?').next().unwrap_or_default();
    let path: Vec<String> = path
        .split('/')
        .enumerate()
        .map(|(i, s)| {
            let named = i == 1 || (i == 2 && path.starts_with("/admin/")) || LITERAL.contains(&s);
            if named || s.is_empty() {
                s.to_owned()
            } else {
                "*".to_owned()
            }
        })
        .collect();
    path.join("/")
}

/// Whether the walk opens `path`: pages of this node, not files, not actions.
fn is_page(path: &str) -> bool {
    path.starts_with('/')
        && ![
            "/static/",
            "/lang/",
            "/api/",
            "/.well-known/",
            "/nodeinfo",
            "/admin/logout",
            // The login page with a way back: the same page, once logged in a redirect.
            "/admin/login?",
        ]
        .iter()
        .any(|p| path.starts_with(p))
        && ![".ics", ".png", ".json", ".atom", ".rss", ".xml"]
            .iter()
            .any(|e| path.ends_with(e))
}

/// How much wider than the screen the page is, and what sticks out (for the message).
const MEASURE: &str = "(() => {
  const d = document.documentElement;
  const over = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > d.clientWidth + 0.5 && over.length < 5) {
      over.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
        ' ' + Math.round(r.right) + 'px');
    }
  }
  return [d.scrollWidth - d.clientWidth, d.clientWidth, over.join(', ')];
})()";

const LINKS: &str = "[...document.querySelectorAll('a[href]')].map(a => a.href)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_is_wider_than_a_phone() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    // The demo has no event: one workshop at a demo place, so its page and lists are full.
    let places = node.get_public("/api/v1/places").await;
    let place = key(&places.body["results"][0]["id"]);
    let event = node
        .post(
            "/api/v1/events",
            &json!({
                "name": "Atelier : premiers pas avec Nextcloud et les logiciels libres de bureautique",
                "start": "2036-12-02T14:00:00+01:00",
                "end": "2036-12-02T16:00:00+01:00",
                "place": place,
                "summary": "Créer son compte, déposer un fichier, le partager.",
                "booking_url": "https://rdv.example/un-lien-de-reservation-vraiment-tres-long-sans-espace"
            }),
        )
        .await;
    assert_eq!(event.status, StatusCode::CREATED, "{}", event.text);
    // Providers that an offer names cannot be deleted (no link): one that none names.
    let provider = node
        .post(
            "/api/v1/providers",
            &json!({"name": "Association d’hébergement au nom particulièrement long du Forez",
                "website": "hebergement-associatif-du-forez.example", "kind": "association",
                "chatons": true, "country": "fr"}),
        )
        .await;
    assert_eq!(provider.status, StatusCode::CREATED, "{}", provider.text);
    // A request for help, so that the staff inbox lists one and its page is reached.
    let help = node
        .post(
            "/api/v1/help-requests",
            &json!({"name": "Marie-Thérèse de La Tour-Fondue-Desrochers", "email": "marie-therese.de-la-tour-fondue@association-du-forez.example",
                "postcode": "42000", "organisation_kind": "association",
                "need": "Notre association voudrait quitter Gmail, Google Drive et Zoom d’un coup, sans perdre les archives.",
                "consent": {"given_at": "2026-12-01T10:00:00Z", "text": "J’accepte que le centre me recontacte."}}),
        )
        .await;
    assert_eq!(help.status, StatusCode::CREATED, "{}", help.text);

    let Some(browser) = Browser::start(&node.base).await else {
        return;
    };
    browser
        .client
        .set_window_size(PHONE, 800)
        .await
        .expect("resize the window");
    browser.goto("/").await;
    let width = browser.eval("window.innerWidth").await.as_u64().unwrap();
    assert!(
        width <= u64::from(PHONE),
        "the window is {width}px wide, not a phone"
    );

    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut wide: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = [
        "/admin/login",
        "/",
        "/search?q=nextcloud",
        // Hashtag pages are reached from the fediverse, not from a link of the site.
        "/tags/logiciellibre",
        "/admin",
    ]
    .map(String::from)
    .into();
    let mut logged_in = false;
    while let Some(path) = queue.pop_front() {
        let kind = shape(&path);
        if seen.contains_key(&kind) {
            continue;
        }
        if kind.starts_with("/admin") && kind != "/admin/login" && !logged_in {
            browser.goto("/admin/login").await;
            browser.fill("#name", "camille").await;
            browser.fill("#password", PASSWORD).await;
            browser.click("main form button[type=submit]").await;
            eventually("the login to go through", || async {
                (!browser.path().await.starts_with("/admin/login")).then_some(())
            })
            .await;
            logged_in = true;
        }
        browser.goto(&path).await;
        browser.wait_for("#main").await;
        let landed = browser.path().await;
        if shape(&landed) != kind && kind != "/admin/login" {
            panic!("{path} led to {landed}");
        }
        let measure = browser.eval(MEASURE).await;
        let overflow = measure[0].as_i64().unwrap();
        if overflow > 0 {
            let name = format!("phone-wide-{}", seen.len());
            browser.screenshot(&name).await;
            wide.push(format!(
                "{path}: {overflow}px too wide ({}), see {name}.png",
                measure[2].as_str().unwrap_or_default()
            ));
        }
        seen.insert(kind.clone(), path.clone());
        // Every page kept as a PNG, to look at: where a page has a table of records or a list of
        // facts, that is what a phone makes hard.
        browser
            .eval("(document.querySelector('table.records, dl.facts') || document.body).scrollIntoView(), true")
            .await;
        let name = match kind.trim_matches('/') {
            "" => "home".to_owned(),
            path => path.replace('/', "-").replace('*', "x"),
        };
        browser.screenshot(&format!("phone-{name}")).await;
        let links = browser.eval(LINKS).await;
        for link in links.as_array().unwrap() {
            let Some(link) = link.as_str() else { continue };
            let Some(local) = link.strip_prefix(&browser.base) else {
                continue;
            };
            let local = local.split('#').next().unwrap_or_default();
            if is_page(local) && !seen.contains_key(&shape(local)) && seen.len() < 150 {
                queue.push_back(local.to_owned());
            }
        }
    }
    browser.close().await;

    assert!(
        wide.is_empty(),
        "{} of {} pages are wider than {PHONE}px:\n{}",
        wide.len(),
        seen.len(),
        wide.join("\n")
    );
    let missing: Vec<&&str> = EXPECTED
        .iter()
        .filter(|k| !seen.contains_key(**k))
        .collect();
    assert!(
        missing.is_empty(),
        "no link led to {missing:?}; visited {:?}",
        seen.keys()
    );
    drop(node);
}
