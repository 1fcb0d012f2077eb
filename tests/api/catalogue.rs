//! The starter catalogue on a demo node, and imports from the commons (issue 11): every
//! everyday tool is found by its usual name, reasons say why, the Dégooglisons Internet YAML
//! comes in as plain text and twice changes nothing.

use std::path::Path;

use serde_json::Value;

use crate::cli::maillage;
use crate::helpers::{Backend, TestNode, TestNodes, eventually, listing};
use crate::on_both_backends;

/// The tools people ask a mediator about, as they name them, and the product the catalogue
/// files them under.
const EVERYDAY_TOOLS: &[(&str, &str)] = &[
    ("word", "Microsoft Word"),
    ("excel", "Microsoft Excel"),
    ("powerpoint", "Microsoft PowerPoint"),
    ("microsoft office", "Microsoft 365"),
    ("google docs", "Google Docs"),
    ("google sheets", "Google Sheets"),
    ("google forms", "Google Forms"),
    ("google drive", "Google Drive"),
    ("google agenda", "Google Calendar"),
    ("google maps", "Google Maps"),
    ("google photos", "Google Photos"),
    ("gmail", "Gmail"),
    ("outlook", "Microsoft Outlook"),
    ("whatsapp", "WhatsApp"),
    ("messenger", "Facebook Messenger"),
    ("facebook", "Facebook"),
    ("groupes facebook", "Facebook Groups"),
    ("événements facebook", "Facebook Events"),
    ("pages facebook", "Facebook Pages"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("twitter", "X (Twitter)"),
    ("youtube", "YouTube"),
    ("zoom", "Zoom"),
    ("teams", "Microsoft Teams"),
    ("skype", "Skype"),
    ("slack", "Slack"),
    ("discord", "Discord"),
    ("canva", "Canva"),
    ("doodle", "Doodle"),
    ("wetransfer", "WeTransfer"),
    ("dropbox", "Dropbox"),
    ("trello", "Trello"),
    ("notion", "Notion"),
    ("mailchimp", "Mailchimp"),
    ("surveymonkey", "SurveyMonkey"),
    ("chrome", "Google Chrome"),
    ("google search", "Google Search"),
    ("windows", "Microsoft Windows"),
    ("android", "Android"),
    ("salesforce", "Salesforce"),
];

/// Every recommendation the node lists, all pages.
async fn all_recommendations(node: &TestNode) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let res = node
            .get(&format!("/api/v1/recommendations?per_page=100&page={page}"))
            .await;
        let (total, results) = listing(&res.body);
        let empty = results.is_empty();
        all.extend(results);
        if empty || all.len() as i64 >= total {
            break;
        }
    }
    all
}

/// The names of the products the first page's cards replace.
fn replaced_on_first_page(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .flat_map(|card| {
            card["recommendations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .flat_map(|r| r["replaces"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect()
}

async fn everyday_tools(backend: Backend) {
    let node = TestNodes::demo(backend).await;
    let mut missing = Vec::new();
    for (query, product) in EVERYDAY_TOOLS {
        let (_, results) = node.search(&format!("q={}", urlencode(query))).await;
        let first = results.first().map(|r| r["kind"].clone());
        if first != Some(Value::from("software"))
            || !replaced_on_first_page(&results)
                .iter()
                .any(|p| p == product)
        {
            missing.push(format!("{query} (expected {product}, first: {first:?})"));
        }
    }
    assert!(missing.is_empty(), "not found first-page: {missing:#?}");

    let recommendations = all_recommendations(&node).await;
    assert!(recommendations.len() >= 120, "{}", recommendations.len());
    // The reason is the rationale's first paragraph (effort and sources follow it).
    let with_reason = recommendations
        .iter()
        .filter(|r| {
            r["rationale"]
                .as_str()
                .and_then(|t| t.split("\n\n").next())
                .is_some_and(|reason| reason.chars().count() >= 60)
        })
        .count();
    assert!(
        with_reason * 10 >= recommendations.len() * 9,
        "{with_reason} of {} have a reason of 60 characters or more",
        recommendations.len()
    );
    let mut summaries: Vec<&str> = recommendations
        .iter()
        .map(|r| r["summary"].as_str().unwrap())
        .collect();
    summaries.sort_unstable();
    let count = summaries.len();
    summaries.dedup();
    assert_eq!(summaries.len(), count, "two summaries are the same");
    for level in ["recommended", "usable", "avoid"] {
        assert!(
            recommendations.iter().any(|r| r["level"] == level),
            "{level}"
        );
    }
    let nextcloud = recommendations
        .iter()
        .find(|r| r["software"]["name"] == "Nextcloud" && r["category"] == "files")
        .unwrap();
    assert!(
        nextcloud["audience"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Associations")),
        "{nextcloud}"
    );
    assert!(
        nextcloud["hosting"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["url"] == "https://frama.space/"),
        "{nextcloud}"
    );
    // The sample directory's contact cards complete the demo.
    assert_eq!(
        listing(&node.get_public("/api/v1/contacts").await.body).0,
        3
    );
}
on_both_backends!(the_demo_finds_every_everyday_tool, everyday_tools);

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Runs `maillage import FILE` for a node; its stdout, or panics with its stderr.
fn import(node: &TestNode, file: &Path) -> String {
    let out = maillage(node)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `maillage import FILE` expecting a refusal; its stderr.
fn import_refused(node: &TestNode, file: &Path) -> String {
    let out = maillage(node)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn project_file(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A number the report prints before `what` (`created:  52 recommendations`).
fn reported(report: &str, what: &str) -> usize {
    let at = report
        .find(what)
        .unwrap_or_else(|| panic!("no `{what}` in {report}"));
    report[..at]
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number before `{what}` in {report}"))
}

async fn degooglisons(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let file = project_file("catalogue/degooglisons-services.yml");
    let first = import(&node, &file);
    assert!(
        first.contains("Imported a Dégooglisons Internet catalogue file"),
        "{first}"
    );
    let created = reported(&first, " recommendations, ");
    assert!(created >= 40, "{first}");
    let recommendations = all_recommendations(&node).await;
    assert_eq!(recommendations.len(), created);
    for r in &recommendations {
        let mut texts = vec![
            r["summary"].as_str().unwrap().to_owned(),
            r["rationale"].as_str().unwrap_or_default().to_owned(),
            r["software"]["name"].as_str().unwrap().to_owned(),
        ];
        texts.extend(
            r["replaces"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.to_string()),
        );
        texts.extend(
            r["hosting"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["name"].to_string()),
        );
        for text in texts {
            assert!(
                !text.contains('<') && !text.contains('>') && !text.contains("&amp;"),
                "markup left in {text}"
            );
        }
    }
    for (query, alternative) in [("doodle", "Framadate"), ("bit.ly", "Lstu")] {
        eventually(&format!("{query} finds {alternative}"), || async {
            let (_, results) = node.search(&format!("q={}", urlencode(query))).await;
            results
                .iter()
                .any(|r| r["name"] == alternative)
                .then_some(())
        })
        .await;
    }

    // Twice changes nothing.
    let second = import(&node, &file);
    assert!(
        second.contains("created:  0 recommendations, 0 software, 0 contacts"),
        "{second}"
    );
    assert!(second.contains("updated:  0 software"), "{second}");
    assert_eq!(reported(&second, " recommendations and "), created);
    assert_eq!(all_recommendations(&node).await, recommendations);

    // A broken YAML file is refused with a message, and changes nothing.
    let broken = node.data_dir.path().join("broken.yml");
    std::fs::write(
        &broken,
        "doodle:\n  gafam: [Doodle\n  S: <a href=\"https://framadate.org\">Framadate</a>\n",
    )
    .unwrap();
    let stderr = import_refused(&node, &broken);
    assert!(stderr.contains("not valid YAML"), "{stderr}");
    // A well-formed file with one bad link is refused naming the entry and the field.
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "<a href=\"https://signal.org/\">",
        "<a href=\"javascript:alert(1)\">",
    );
    std::fs::write(&broken, text).unwrap();
    let stderr = import_refused(&node, &broken);
    assert!(stderr.contains("whatsapp.F"), "{stderr}");
    assert_eq!(all_recommendations(&node).await, recommendations);

    // The starter catalogue then brings licences and repositories to the same software.
    let starter = import(&node, &project_file("catalogue/starter.json"));
    assert!(reported(&starter, " software\n  skipped") >= 5, "{starter}");
    let nextcloud = all_recommendations(&node)
        .await
        .into_iter()
        .find(|r| r["software"]["name"] == "Nextcloud")
        .unwrap();
    assert_eq!(nextcloud["software"]["license"], "AGPL-3.0-or-later");
}
on_both_backends!(
    the_degooglisons_catalogue_imports_as_plain_text,
    degooglisons
);

/// The command the home page gives staff: the starter catalogue through the CLI, twice.
async fn starter_from_the_command_line(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let file = project_file("catalogue/starter.json");
    let first = import(&node, &file);
    assert!(
        first.contains("created:  138 recommendations, 125 software, 0 contacts"),
        "{first}"
    );
    // Its providers become records, each with its kind and CHATONS membership, named by
    // their offers.
    let providers = node.get_public("/api/v1/providers?per_page=100").await.body;
    let catalogue: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let offered: std::collections::BTreeSet<&str> = catalogue["offers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["registration"] != "closed")
        .map(|o| o["provider"].as_str().unwrap())
        .collect();
    assert_eq!(
        providers["total"].as_u64().unwrap() as usize,
        offered.len(),
        "one record per provider of an open offer: {providers}"
    );
    let framasoft = providers["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Framasoft")
        .expect("Framasoft is a record");
    assert_eq!(framasoft["kind"], "association");
    assert_eq!(framasoft["chatons"], true);
    assert!(framasoft["offers"].as_u64().unwrap() >= 3, "{framasoft}");
    let second = import(&node, &file);
    assert!(
        second.contains("created:  0 recommendations, 0 software, 0 contacts"),
        "{second}"
    );
    assert!(second.contains("updated:  0 software"), "{second}");
    assert!(
        second.contains("skipped:  138 recommendations and 0 contacts already there"),
        "{second}"
    );
    // A catalogue with one bad entry changes nothing, and names the entry and the field.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    doc["recommendations"][0]["category"] = Value::from("spaceships");
    let id = doc["recommendations"][0]["id"].as_str().unwrap().to_owned();
    let other = TestNodes::one(backend).await;
    let bad = other.data_dir.path().join("bad.json");
    std::fs::write(&bad, doc.to_string()).unwrap();
    let stderr = import_refused(&other, &bad);
    assert!(
        stderr.contains(&format!("recommendations.{id}.category")),
        "{stderr}"
    );
    assert_eq!(all_recommendations(&other).await.len(), 0);
}
on_both_backends!(
    the_starter_catalogue_imports_once,
    starter_from_the_command_line
);
