//! Help requests: a visitor asks from the API or the website, the request reaches the right
//! centre, staff read and handle it with the token (never without), the SMTP server receives
//! the notification, the retention period and erasure by reference erase it.

use std::path::{Path, PathBuf};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, eventually, listing, skip};
use crate::on_both_backends;
use crate::places::example_place;
use crate::site::Visitor;

/// A complete request from the API.
pub fn request(need: &str) -> Value {
    json!({
        "name": "Awa Diallo",
        "email": "awa@example.org",
        "postcode": "42000",
        "organisation_kind": "association",
        "need": need,
        "consent": {
            "given_at": chrono::Utc::now().to_rfc3339(),
            "text": "J’accepte que le centre conserve ma demande et me recontacte à son sujet."
        }
    })
}

fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            body.as_object_mut().unwrap().remove(k);
        } else {
            body[k] = v.clone();
        }
    }
    body
}

/// POSTs a request as the public does (no token).
async fn ask(node: &TestNode, body: &Value) -> crate::helpers::Response {
    node.request(Method::POST, "/api/v1/help-requests", None, Some(body))
        .await
}

async fn requests(node: &TestNode) -> (i64, Vec<Value>) {
    let res = node.get("/api/v1/help-requests").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    listing(&res.body)
}

/// Three centres on one node: Forez has a place in Saint-Chamond, Bretagne is in its region,
/// Loire is the node's first.
async fn three_centres(node: &TestNode) {
    for body in [
        json!({"username": "bretagne", "name": "Numérique en Bretagne", "region": "FR-BRE"}),
        json!({"username": "forez", "name": "Forez numérique"}),
    ] {
        let res = node.post("/api/v1/centres", &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    let res = node
        .post("/api/v1/places?centre=forez", &example_place())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
}

async fn reaches_the_right_centre(backend: Backend) {
    let node = TestNodes::one(backend).await;
    three_centres(&node).await;
    let domain = node.settings.domain.clone();
    let cases = [
        // Saint-Étienne is 11 km from the place in Saint-Chamond.
        (
            request("Quitter Gmail pour l’association"),
            "forez",
            "place",
        ),
        (
            with(
                request("Un drive partagé pour la coopérative"),
                json!({"postcode": null, "commune": "Brest"}),
            ),
            "bretagne",
            "region",
        ),
        (
            with(request("Remplacer Zoom"), json!({"postcode": "75011"})),
            "loire",
            "first",
        ),
        (
            with(
                request("Choisir un centre moi-même"),
                json!({"centre": "bretagne"}),
            ),
            "bretagne",
            "chosen",
        ),
    ];
    let mut references = Vec::new();
    for (body, centre, by) in cases {
        let res = ask(&node, &body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        let reference = res.body["reference"].as_str().unwrap().to_owned();
        assert!(reference.starts_with("AIDE-"), "{reference}");
        assert_eq!(res.body["centre"]["handle"], format!("@{centre}@{domain}"));
        assert_eq!(res.body["forwarded"], false);
        let stored = node
            .get(&format!("/api/v1/help-requests/{reference}"))
            .await;
        assert_eq!(stored.status, StatusCode::OK, "{}", stored.text);
        assert_eq!(stored.body["routing"]["by"], by, "{}", stored.text);
        assert_eq!(
            stored.body["centre"]["handle"],
            format!("@{centre}@{domain}")
        );
        assert_eq!(stored.body["channel"], "api");
        assert_eq!(stored.body["status"], "new");
        references.push(reference);
    }
    let (total, _) = requests(&node).await;
    assert_eq!(total, 4);
    // A listing by centre.
    let res = node.get("/api/v1/help-requests?centre=bretagne").await;
    assert_eq!(listing(&res.body).0, 2);

    // Refused, naming the field; nothing stored.
    for (body, status, field) in [
        (
            with(request("Sans accord"), json!({"consent": null})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "consent",
        ),
        (
            with(request("Sans moyen de contact"), json!({"email": null})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            with(
                request("Un centre inconnu ici"),
                json!({"centre": "nulle-part"}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "centre",
        ),
        (
            with(request("Sans commune du tout"), json!({"postcode": null})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "postcode",
        ),
        (
            with(
                request("Type inconnu"),
                json!({"organisation_kind": "club"}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "organisation_kind",
        ),
    ] {
        let res = ask(&node, &body).await;
        assert_eq!(res.status, status, "{}", res.text);
        assert_eq!(res.error_field(), Some(field), "{}", res.text);
    }
    assert_eq!(
        requests(&node).await.0,
        4,
        "a refused request is not stored"
    );

    // Never without the token; never in what the directory publishes.
    for path in [
        "/api/v1/help-requests".to_owned(),
        format!("/api/v1/help-requests/{}", references[0]),
    ] {
        let res = node.get_public(&path).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let export = node.get("/api/v1/export").await;
    assert!(!export.text.contains("awa@example.org"), "{}", export.text);
    let page = node.get_public("/centres/forez").await;
    assert!(!page.text.contains("Awa Diallo"));

    // Staff handle it: status, notes, a mediator of the centre.
    let res = node
        .post(
            "/api/v1/contacts?centre=forez",
            &json!({"name": "Camille Martin", "visibility": "hidden"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let camille = crate::helpers::key(&res.body["id"]);
    let path = format!("/api/v1/help-requests/{}", references[0]);
    let res = node
        .patch(
            &path,
            &json!({"status": "in-progress", "notes": "Rappelée le 3.", "assigned_to": camille}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["status"], "in-progress");
    assert_eq!(res.body["notes"], "Rappelée le 3.");
    assert_eq!(res.body["assigned_to"]["name"], "Camille Martin");
    let res = node
        .patch(&path, &json!({"assigned_to": "not-a-contact"}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("assigned_to"));
    let res = node.patch(&path, &json!({"status": "archived"})).await;
    assert_eq!(res.error_field(), Some("status"), "{}", res.text);
    // A request from the API is answered by e-mail or phone, not by a fediverse reply.
    let res = node
        .post(&format!("{path}/replies"), &json!({"text": "Bonjour"}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);

    // Erased on demand by its reference, without a token (typed loosely).
    let typed = references[1].to_lowercase().replace('-', " ");
    let res = node
        .request(
            Method::DELETE,
            &format!("/api/v1/help-requests/{}", typed.replace(' ', "%20")),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let res = node
        .get(&format!("/api/v1/help-requests/{}", references[1]))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(requests(&node).await.0, 3);
}

on_both_backends!(a_request_reaches_the_right_centre, reaches_the_right_centre);

async fn from_the_website(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let visitor = Visitor::new(&node, "fr");
    let page = visitor.get("/help?software=Nextcloud").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.unlabelled_controls().is_empty(),
        "{:?}",
        page.unlabelled_controls()
    );
    let form = [
        ("need", "Notre association veut quitter Google Drive."),
        ("name", "Awa Diallo"),
        ("contact", "04 77 00 00 00"),
        ("postcode", "Saint-Étienne"),
        ("organisation_kind", "association"),
        ("software", "Nextcloud"),
        ("centre", ""),
        ("website", ""),
    ];
    // Without the box ticked: refused at its field, nothing stored.
    let refused = visitor.post("/help", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text_of("#help-consent-error")
            .is_some_and(|e| e.contains("Cochez la case")),
        "{}",
        refused.text
    );
    assert_eq!(
        refused.attr("#help-need", "name").as_deref(),
        Some("need"),
        "the form comes back"
    );
    assert!(
        refused
            .text
            .contains("Notre association veut quitter Google Drive.")
    );
    assert_eq!(requests(&node).await.0, 0);
    // The honeypot filled: refused.
    let mut robot = form.to_vec();
    robot.push(("consent", "yes"));
    robot.retain(|(k, _)| *k != "website");
    robot.push(("website", "https://spam.example"));
    let res = visitor.post("/help", &robot).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(requests(&node).await.0, 0);

    let mut ticked = form.to_vec();
    ticked.push(("consent", "yes"));
    let sent = visitor.post("/help", &ticked).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    let reference = sent.text_of("#help-reference").expect("the reference");
    let (total, results) = requests(&node).await;
    assert_eq!(total, 1);
    let stored = &results[0];
    assert_eq!(stored["reference"], reference.as_str());
    assert_eq!(stored["channel"], "web");
    assert_eq!(stored["phone"], "04 77 00 00 00");
    assert_eq!(stored["commune"], "Saint-Étienne");
    assert_eq!(stored["software"], "Nextcloud");
    assert_eq!(
        stored["consent"]["text"],
        "J’accepte que le centre conserve ma demande et me recontacte à son sujet."
    );

    // Erased from the website by its reference.
    let erased = visitor
        .post("/help/erase", &[("reference", reference.as_str())])
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.text);
    assert_eq!(requests(&node).await.0, 0);
    let again = visitor
        .post("/help/erase", &[("reference", reference.as_str())])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

on_both_backends!(a_request_from_the_website, from_the_website);

/// One address may send `help.per_address` requests per quarter of an hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_is_throttled() {
    let [node] = TestNodes::start(
        Backend::Sqlite,
        [NodeSpec::default().with(|s| s.help.per_address = 2)],
    )
    .await;
    for _ in 0..2 {
        assert_eq!(
            ask(&node, &request("Une demande légitime")).await.status,
            StatusCode::CREATED
        );
    }
    let res = ask(&node, &request("Une demande de trop")).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    assert_eq!(res.error_code(), Some("too_many_requests"));
    assert_eq!(requests(&node).await.0, 2);
}

/// Moves every help request of the node's database `days` into the past.
async fn age_requests(node: &TestNode, days: i64) {
    use diesel::prelude::*;
    use maillage::storage::schema::help_requests;
    let db = maillage::startup::open_database(&node.settings)
        .await
        .unwrap();
    db.write(move |conn| {
        let then = maillage::storage::now() - chrono::TimeDelta::days(days);
        Ok(diesel::update(help_requests::table)
            .set(help_requests::created_at.eq(then))
            .execute(conn)?)
    })
    .await
    .unwrap();
}

async fn retention(backend: Backend) {
    let mut node = TestNodes::one(backend).await;
    let old = ask(&node, &request("Une demande ancienne")).await;
    let old = old.body["reference"].as_str().unwrap().to_owned();
    age_requests(&node, 181).await;
    let recent = ask(&node, &request("Une demande récente")).await;
    assert_eq!(recent.status, StatusCode::CREATED);
    let recent = recent.body["reference"].as_str().unwrap().to_owned();
    // The node erases what is past the period at start, then every hour.
    node.restart().await;
    eventually("the old request to be erased", || async {
        (node
            .get(&format!("/api/v1/help-requests/{old}"))
            .await
            .status
            == StatusCode::NOT_FOUND)
            .then_some(())
    })
    .await;
    let res = node.get(&format!("/api/v1/help-requests/{recent}")).await;
    assert_eq!(res.status, StatusCode::OK, "a recent request stays");
    assert!(res.body["erased_after"].as_str().is_some());
}

on_both_backends!(requests_past_the_retention_period_are_erased, retention);

/// A real SMTP server on loopback (aiosmtpd, from `.ci/with-smtp`) writing what it receives
/// into a maildir.
struct SmtpServer {
    port: u16,
    maildir: PathBuf,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    async fn start() -> Option<Self> {
        let Some(launcher) = std::env::var_os("MAILLAGE_TEST_AIOSMTPD") else {
            skip("aiosmtpd is not installed (run under .ci/with-smtp)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(launcher)
            .args(["-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("aiosmtpd starts");
        eventually("the SMTP server to listen", || async {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .ok()
                .map(|_| ())
        })
        .await;
        Some(Self {
            port,
            maildir,
            child,
            _dir: dir,
        })
    }

    fn messages(&self) -> Vec<String> {
        read_dir(&self.maildir.join("new"))
    }
}

fn read_dir(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn staff_are_told(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let [node] = TestNodes::start(
        backend,
        [NodeSpec::default().with(move |s| {
            s.mail.smtp_url = url;
            s.mail.from = "Maillage <maillage@loire.example>".into();
        })],
    )
    .await;
    let res = node
        .patch(
            "/api/v1/centres/loire",
            &json!({"contact": "accueil@loire.example"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let res = ask(&node, &request("Quitter Gmail pour l’association")).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let reference = res.body["reference"].as_str().unwrap().to_owned();
    let message = eventually("the SMTP server to receive the notification", || async {
        smtp.messages().into_iter().find(|m| m.contains(&reference))
    })
    .await;
    assert!(message.contains("To: accueil@loire.example"), "{message}");
    assert!(message.contains("maillage@loire.example"), "{message}");
    assert!(
        message.contains(&format!("/admin/help/{reference}")),
        "{message}"
    );
    let res = node
        .get(&format!("/api/v1/help-requests/{reference}"))
        .await;
    eventually("the request to be marked as notified", || async {
        let res = node
            .get(&format!("/api/v1/help-requests/{reference}"))
            .await;
        (res.body["notified"] == true).then_some(())
    })
    .await;
    assert_eq!(res.status, StatusCode::OK);
    // Told once.
    assert_eq!(
        smtp.messages()
            .iter()
            .filter(|m| m.contains(&reference))
            .count(),
        1
    );
}

on_both_backends!(staff_receive_an_email_for_each_request, staff_are_told);

/// Staff handle requests in the admin pages: the count on the dashboard, the inbox, one
/// request with its consent, status and notes saved, erasure after a confirmation page.
async fn staff_pages(backend: Backend) {
    const PASSWORD: &str = "un mot de passe assez long";
    let node = TestNodes::one(backend).await;
    let res = ask(&node, &request("Quitter Gmail pour l’association")).await;
    let reference = res.body["reference"].as_str().unwrap().to_owned();
    let visitor = Visitor::new(&node, "fr");
    let closed = visitor.get("/admin/help").await;
    assert_eq!(
        closed.status,
        StatusCode::SEE_OTHER,
        "logged out: to the login"
    );
    crate::site::create_admin(&node, "camille", PASSWORD).await;
    visitor.log_in("camille", PASSWORD).await;
    let dashboard = visitor.get("/admin").await;
    assert!(
        dashboard.text.contains("Demandes d’aide"),
        "{}",
        dashboard.text
    );
    assert!(dashboard.text.contains("1 nouvelle"), "{}", dashboard.text);
    let inbox = visitor.get("/admin/help?status=new").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.text.contains(&reference) && inbox.text.contains("Awa Diallo"));
    assert!(
        visitor
            .get("/admin/help?status=done")
            .await
            .text
            .contains("Aucune demande")
    );
    let path = format!("/admin/help/{reference}");
    let page = visitor.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.unlabelled_controls().is_empty(),
        "{:?}",
        page.unlabelled_controls()
    );
    assert!(page.text.contains("awa@example.org"));
    assert!(
        page.text
            .contains("J’accepte que le centre conserve ma demande")
    );
    assert_eq!(page.count("#reply"), 0, "no fediverse account to reply to");
    let csrf = page.csrf();
    let saved = visitor
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("status", "done"),
                ("assigned_to", ""),
                ("notes", "Rappelée mardi."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stored = node
        .get(&format!("/api/v1/help-requests/{reference}"))
        .await;
    assert_eq!(stored.body["status"], "done");
    assert_eq!(stored.body["notes"], "Rappelée mardi.");
    // Without the form's token: refused.
    let forged = visitor.post(&path, &[("status", "new")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Erasing asks first.
    let confirm = visitor.get(&format!("{path}/erase")).await;
    assert!(
        confirm.text.contains("Effacer définitivement"),
        "{}",
        confirm.text
    );
    assert_eq!(
        node.get(&format!("/api/v1/help-requests/{reference}"))
            .await
            .status,
        StatusCode::OK
    );
    let erased = visitor
        .post(&format!("{path}/erase"), &[("csrf", &confirm.csrf())])
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER);
    assert_eq!(
        node.get(&format!("/api/v1/help-requests/{reference}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(staff_handle_requests_in_the_admin_pages, staff_pages);

/// A network of centres (a `Group` actor hosted on the node) is no centre: never listed with
/// the centres, nor sent a visitor's help request, even when its region is the visitor's.
async fn networks_are_not_centres(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let res = node
        .post(
            "/api/v1/networks",
            &json!({"username": "reseau-bzh", "name": "Réseau breton", "region": "FR-BRE",
                    "summary": "Les centres bretons."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);

    let (total, centres) = listing(&node.get_public("/api/v1/centres").await.body);
    assert_eq!(total, 1, "{centres:?}");
    assert_eq!(centres[0]["username"], "loire");
    let (total, networks) = listing(&node.get("/api/v1/networks").await.body);
    assert_eq!(total, 1, "{networks:?}");
    assert_eq!(networks[0]["username"], "reseau-bzh");

    // From Brest (the network's region): the node's first centre, not the network.
    let res = ask(
        &node,
        &with(
            request("Quitter Google à Brest"),
            json!({"postcode": null, "commune": "Brest"}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(
        res.body["centre"]["handle"],
        format!("@loire@{}", node.settings.domain)
    );
    // Chosen by name or by actor id: refused, naming the field.
    for chosen in [
        "reseau-bzh".to_owned(),
        format!("{}/centres/reseau-bzh", node.base),
    ] {
        let res = ask(
            &node,
            &with(request("Au réseau directement"), json!({"centre": chosen})),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
        assert_eq!(res.error_field(), Some("centre"), "{}", res.text);
    }
    assert_eq!(requests(&node).await.0, 1);

    // The directory page lists it apart, under the networks.
    let page = Visitor::new(&node, "fr").get("/centres").await;
    assert_eq!(
        page.texts("section[aria-labelledby=ours] h3"),
        vec!["Annuaire libre Loire".to_owned()]
    );
    assert_eq!(
        page.texts("section[aria-labelledby=groups] h3"),
        vec!["Réseau breton".to_owned()]
    );
}
on_both_backends!(networks_are_not_centres, networks_are_not_centres);
