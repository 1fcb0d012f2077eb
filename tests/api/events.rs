//! Workshops and permanences through `/api/v1/events`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, key};
use crate::on_both_backends;
use crate::places::example_place;
use crate::site::Visitor;

/// A workshop at `place` in the coming days (`days` from now; negative: already over).
pub fn workshop(place: Option<&str>, days: i64) -> Value {
    let start = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap())
        .date_naive()
        .and_hms_opt(14, 0, 0)
        .unwrap()
        + chrono::Duration::days(days);
    let at = |t: chrono::NaiveDateTime| format!("{}+01:00", t.format("%Y-%m-%dT%H:%M:%S"));
    json!({
        "name": "Atelier : premiers pas avec Nextcloud",
        "start": at(start),
        "end": at(start + chrono::Duration::hours(2)),
        "place": place,
        "summary": "Créer son compte, déposer un fichier, le partager.\nApportez votre téléphone.",
        "booking_url": "https://rdv.example/nextcloud"
    })
}

/// Creates the example place; returns its key.
pub async fn a_place(node: &TestNode) -> String {
    let res = node.post("/api/v1/places", &example_place()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    key(&res.body["id"])
}

async fn crud(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let place = a_place(&node).await;

    let res = node
        .post("/api/v1/events", &workshop(Some(&place), 3))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_str().unwrap().to_owned();
    let event = key(&res.body["id"]);
    assert_eq!(
        id,
        node.url(&format!("/events/{event}")),
        "the id is its page"
    );
    assert!(
        res.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/api/v1/events/{event}"))
    );
    assert_eq!(res.body["name"], "Atelier : premiers pas avec Nextcloud");
    // The time comes back at the offset it was given.
    assert!(
        res.body["start"]
            .as_str()
            .unwrap()
            .ends_with("T14:00:00+01:00"),
        "{}",
        res.text
    );
    assert_eq!(res.body["place"], node.url(&format!("/places/{place}")));
    assert_eq!(res.body["location"]["locality"], "Saint-Chamond");
    assert_eq!(res.body["location"]["latitude"], 45.4766);
    assert_eq!(res.body["past"], false);

    // The place can be named by its id too; an online event needs no place.
    let by_id = node
        .post(
            "/api/v1/events",
            &workshop(Some(&node.url(&format!("/places/{place}"))), 1),
        )
        .await;
    assert_eq!(by_id.status, StatusCode::CREATED, "{}", by_id.text);
    let mut online = workshop(None, 2);
    online["online_url"] = json!("https://visio.example/atelier");
    let online = node.post("/api/v1/events", &online).await;
    assert_eq!(online.status, StatusCode::CREATED, "{}", online.text);
    assert!(online.body.get("location").is_none());
    let past = node
        .post("/api/v1/events", &workshop(Some(&place), -7))
        .await;
    assert_eq!(past.status, StatusCode::CREATED, "{}", past.text);
    assert_eq!(past.body["past"], true);

    // Upcoming, soonest first; the past ones are in the archive.
    let list = node.get_public("/api/v1/events").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["total"], 3, "{}", list.text);
    let names: Vec<&str> = list.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            by_id.body["id"].as_str().unwrap(),
            online.body["id"].as_str().unwrap(),
            id.as_str()
        ]
    );
    let archive = node.get_public("/api/v1/events?past=true").await;
    assert_eq!(archive.body["total"], 1, "{}", archive.text);
    assert_eq!(archive.body["results"][0]["id"], past.body["id"]);
    let at_place = node
        .get_public(&format!("/api/v1/events?place={place}"))
        .await;
    assert_eq!(at_place.body["total"], 2, "{}", at_place.text);

    // Refusals name their field.
    for (field, value, named) in [
        ("end", json!("2020-01-01T10:00:00+01:00"), "end"),
        ("start", json!("2026-12-10 14:00"), "start"),
        ("start", json!("2026-12-10T14:00:00"), "start"),
        ("name", json!("x".repeat(201)), "name"),
        ("booking_url", json!("ftp://rdv.example/"), "booking_url"),
        ("place", json!("no-such-place"), "place"),
        ("place", Value::Null, "place"),
    ] {
        let mut bad = workshop(Some(&place), 3);
        bad[field] = value;
        let res = node.post("/api/v1/events", &bad).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.text
        );
        assert_eq!(res.error_field(), Some(named), "{}", res.text);
    }
    // Writing needs a token.
    let anonymous = node
        .request(
            reqwest::Method::POST,
            "/api/v1/events",
            None,
            Some(&workshop(Some(&place), 3)),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // A merge patch changes what it names, keeps the rest; null removes an optional field.
    let res = node
        .patch(
            &format!("/api/v1/events/{event}"),
            &json!({"name": "Atelier Nextcloud (complet)", "booking_url": null}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["name"], "Atelier Nextcloud (complet)");
    assert!(res.body.get("booking_url").is_none());
    assert_eq!(res.body["place"], node.url(&format!("/places/{place}")));
    let res = node
        .patch(
            &format!("/api/v1/events/{event}"),
            &json!({"end": res.body["start"]}),
        )
        .await;
    assert_eq!(res.error_field(), Some("end"), "{}", res.text);

    assert_eq!(
        node.delete(&format!("/api/v1/events/{event}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        node.get(&format!("/api/v1/events/{event}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Deleting the place keeps its events (they lose their place).
    assert_eq!(
        node.delete(&format!("/api/v1/places/{place}")).await.status,
        StatusCode::NO_CONTENT
    );
    let kept = node.get_public("/api/v1/events?past=true").await;
    assert_eq!(kept.body["total"], 1, "{}", kept.text);
    assert!(kept.body["results"][0].get("place").is_none());
}
on_both_backends!(events_are_created_listed_edited_and_deleted, crud);

/// The lines of an iCalendar text, unfolded (RFC 5545 §3.1: a line break followed by a space
/// or a tab continues the line).
fn unfolded(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in ics.split("\r\n") {
        match raw.strip_prefix([' ', '\t']) {
            Some(rest) if !lines.is_empty() => lines.last_mut().unwrap().push_str(rest),
            _ => lines.push(raw.to_owned()),
        }
    }
    lines
}

/// The value of `name` (parameters ignored) in each `VEVENT`, in order.
fn values(lines: &[String], name: &str) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.split(';').next() == Some(name)).then(|| value.to_owned())
        })
        .collect()
}

async fn pages_and_calendar(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let place = a_place(&node).await;
    let upcoming = node
        .post("/api/v1/events", &workshop(Some(&place), 3))
        .await;
    assert_eq!(upcoming.status, StatusCode::CREATED, "{}", upcoming.text);
    let mut old = workshop(Some(&place), -10);
    old["name"] = json!("Atelier d’hier, sur les mots de passe");
    let past = node.post("/api/v1/events", &old).await;
    assert_eq!(past.status, StatusCode::CREATED, "{}", past.text);
    let username = node.settings.centre.username.clone();
    let visitor = Visitor::new(&node, "fr");

    // The event's page: the date in French, the place linked, the booking link.
    let page = visitor
        .get(&format!("/events/{}", key(&upcoming.body["id"])))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text_of("h1").as_deref(),
        Some("Atelier : premiers pas avec Nextcloud")
    );
    let when = page.text_of("time").unwrap();
    assert!(when.ends_with("14:00–16:00"), "{when}");
    let weekday = when.split(' ').next().unwrap();
    assert!(
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"
        ]
        .contains(&weekday),
        "{when}"
    );
    assert_eq!(
        page.attr(".facts a[href^='/places/']", "href"),
        Some(format!("/places/{place}"))
    );
    assert_eq!(
        page.attr("a.button", "href").as_deref(),
        Some("https://rdv.example/nextcloud")
    );
    let english = Visitor::new(&node, "en")
        .get(&format!("/events/{}", key(&upcoming.body["id"])))
        .await;
    assert!(english.text_of("a.button").unwrap().contains("Book"));

    // The place's page and the centre's list the upcoming workshops, not the past ones.
    for path in [format!("/places/{place}"), format!("/centres/{username}")] {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            page.text_of("#events").as_deref(),
            Some("Prochains ateliers"),
            "{path}"
        );
        let items = page.texts("ul.events li");
        assert_eq!(items.len(), 1, "{path}: {items:?}");
        assert!(
            items[0].starts_with("Atelier : premiers pas avec Nextcloud"),
            "{items:?}"
        );
        assert_eq!(
            page.attr("ul.events a", "href"),
            Some(format!("/events/{}", key(&upcoming.body["id"])))
        );
    }
    let centre = visitor.get(&format!("/centres/{username}")).await;
    assert_eq!(
        centre.attr("a[href$='/events.ics']", "href"),
        Some(format!("/centres/{username}/events.ics"))
    );

    // The calendar: both events, by their ids, at their instants in UTC, where they happen.
    let res = node
        .client
        .get(node.url(&format!("/centres/{username}/events.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = res.text().await.unwrap();
    let lines = unfolded(&ics);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(
        values(&lines, "BEGIN")
            .iter()
            .filter(|v| *v == "VEVENT")
            .count(),
        2
    );
    assert_eq!(
        values(&lines, "UID"),
        [
            upcoming.body["id"].as_str().unwrap(),
            past.body["id"].as_str().unwrap()
        ]
    );
    let utc = |rfc3339: &Value| {
        chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    assert_eq!(
        values(&lines, "DTSTART"),
        [utc(&upcoming.body["start"]), utc(&past.body["start"])]
    );
    assert_eq!(values(&lines, "DTEND")[0], utc(&upcoming.body["end"]));
    // Text values escape commas (RFC 5545 §3.3.11).
    assert_eq!(
        values(&lines, "SUMMARY"),
        [
            "Atelier : premiers pas avec Nextcloud",
            "Atelier d’hier\\, sur les mots de passe"
        ]
    );
    let location = &values(&lines, "LOCATION")[0];
    assert!(
        location.starts_with("Médiathèque « L'Île aux mots »\\, 12 rue de la République"),
        "{location}"
    );
    assert!(location.ends_with("42400 Saint-Chamond"), "{location}");
    assert_eq!(
        node.client
            .get(node.url("/centres/nobody/events.ics"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(event_pages_and_calendar, pages_and_calendar);
