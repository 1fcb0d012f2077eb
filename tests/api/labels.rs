//! Human labels on the pages (issue 12): regions by name, licences by name with what they mean
//! (the SPDX expression kept one click away), dates in the visitor's language.

use serde_json::json;

use crate::helpers::{Backend, TestNodes, key};
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_licences_and_dates_read_as_words() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let created = node
        .create_recommendation(&json!({
            "software": {"name": "Nextcloud", "homepage": "https://nextcloud.com",
                "license": "GPL-2.0-only AND GPL-3.0-only AND AGPL-3.0-only AND Apache-2.0"},
            "replaces": ["Google Drive"],
            "category": "files",
            "summary": "Vos fichiers chez vous.",
            "region": "FR-ARA"
        }))
        .await;
    let page = format!("/recommendations/{}", key(&created["id"]));

    let french = Visitor::new(&node, "fr-FR,fr");
    let software = french.get("/software/nextcloud").await;
    let licence = software.text_of("dl.facts dd").unwrap();
    assert!(
        licence.starts_with("GNU GPL v2, GNU GPL v3, GNU AGPL v3 et Apache 2.0"),
        "{licence}"
    );
    assert!(licence.contains("Libre, copyleft"), "{licence}");
    assert_eq!(
        software.text_of("dl.facts details.spdx code").as_deref(),
        Some("GPL-2.0-only AND GPL-3.0-only AND AGPL-3.0-only AND Apache-2.0")
    );
    assert!(software.text.contains("Auvergne-Rhône-Alpes"));
    assert!(!software.text.contains("FR-ARA"), "no ISO code shown");
    let recommendation = french.get(&page).await;
    assert!(recommendation.text.contains("Auvergne-Rhône-Alpes"));
    assert!(!recommendation.text.contains("FR-ARA"));
    // On a card, at most two names and how many more; the expression in the title.
    let search = french.get("/search?q=nextcloud").await;
    assert_eq!(
        search
            .text_of("article.software p.meta span[title]")
            .as_deref(),
        Some("GNU GPL v2, GNU GPL v3 et 2 autres")
    );

    let english = Visitor::new(&node, "en-GB,en");
    let software = english.get("/software/nextcloud").await;
    let licence = software.text_of("dl.facts dd").unwrap();
    assert!(
        licence.starts_with("GNU GPL v2, GNU GPL v3, GNU AGPL v3 and Apache 2.0"),
        "{licence}"
    );
    assert!(licence.contains("Libre, copyleft"), "{licence}");

    // Dates: "2 décembre 2026" in French, "2 December 2026" in English.
    create_admin(&node, "camille", PASSWORD).await;
    let today = chrono::Utc::now().date_naive();
    let mois = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    use chrono::Datelike;
    let jour = match today.day() {
        1 => "1er".to_owned(),
        d => d.to_string(),
    };
    for (visitor, month) in [
        (
            &french,
            format!("{jour} {} {}", mois[today.month0() as usize], today.year()),
        ),
        (&english, today.format("%-d %B %Y").to_string()),
    ] {
        visitor.log_in("camille", PASSWORD).await;
        let list = visitor.get("/admin/recommendations").await;
        assert_eq!(
            list.text_of("td[data-label] + td[data-label] + td[data-label]")
                .as_deref(),
            Some(month.as_str())
        );
    }
}
