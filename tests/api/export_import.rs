//! Exports over HTTP and the CLI, and importing them into another node (round trip).

use reqwest::StatusCode;
use serde_json::Value;

use crate::cli::maillage;
use crate::helpers::{Backend, TestNodes, listing};
use crate::on_both_backends;

async fn round_trip(backend: Backend) {
    let a = TestNodes::sample(backend).await;
    let b = TestNodes::one(backend).await;

    // Public JSON export of A.
    let res = a.get_public("/api/v1/export?format=json").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let export = res.body;
    assert_eq!(export["format"], "maillage-export");
    assert_eq!(export["recommendations"].as_array().unwrap().len(), 64);
    assert_eq!(
        export["contacts"].as_array().unwrap().len(),
        3,
        "local and public cards only"
    );
    assert!(
        !res.text.contains("Aïcha"),
        "a card whose consent was withdrawn is never exported"
    );
    assert!(
        !res.text.contains("\"consent\""),
        "consent records are staff-only"
    );
    assert!(export["software"].as_array().unwrap().len() >= 60);

    // Import it into B with the CLI, twice: the second time creates nothing.
    let file = b.data_dir.path().join("from-a.json");
    std::fs::write(&file, &res.text).unwrap();
    let first = maillage(&b)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("created:  64 recommendations, 6"),
        "{stdout}"
    );
    assert!(stdout.contains(", 3 contacts\n"), "{stdout}");
    assert!(
        stdout.contains("skipped:  0 recommendations and 0 contacts already there"),
        "{stdout}"
    );
    let second = maillage(&b)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(
        stdout.contains("created:  0 recommendations, 0 software, 0 contacts"),
        "{stdout}"
    );
    assert!(stdout.contains("updated:  0 software"), "{stdout}");
    assert!(
        stdout.contains("skipped:  64 recommendations and 3 contacts already there"),
        "{stdout}"
    );

    // On B the entries are B's own.
    let res = b
        .get_public("/api/v1/recommendations?replaces=Google+Drive")
        .await;
    let (total, results) = listing(&res.body);
    assert_eq!(total, 2);
    for r in &results {
        assert!(
            r["id"].as_str().unwrap().starts_with(&b.base),
            "{}",
            r["id"]
        );
        assert_eq!(r["origin"], format!("{}/centres/loire", b.base));
    }
    let nextcloud = results
        .iter()
        .find(|r| r["software"]["name"] == "Nextcloud")
        .unwrap();
    let original = export["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["software"]["name"] == "Nextcloud")
        .unwrap();
    for field in [
        "replaces", "category", "summary", "hosting", "level", "language",
    ] {
        assert_eq!(nextcloud[field], original[field], "{field}");
    }
    assert_eq!(
        nextcloud["software"]["license"],
        original["software"]["license"]
    );
    // Imported cards carry no consent record: they arrive hidden.
    assert_eq!(listing(&b.get_public("/api/v1/contacts").await.body).0, 0);
    assert_eq!(
        listing(&b.get("/api/v1/contacts?visibility=hidden").await.body).0,
        3
    );

    // A staff export (`--all`) keeps visibility and consent, so a move keeps what is public.
    let full = a.data_dir.path().join("full.json");
    let out = maillage(&a)
        .args([
            "export",
            "--format",
            "json",
            "--all",
            "--output",
            full.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "data went to the file, not stdout");
    let full_json: Value = serde_json::from_str(&std::fs::read_to_string(&full).unwrap()).unwrap();
    assert_eq!(full_json["contacts"].as_array().unwrap().len(), 5);
    let c = TestNodes::one(backend).await;
    let out = maillage(&c)
        .args(["import", full.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (public, results) = listing(&c.get_public("/api/v1/contacts").await.body);
    assert_eq!(public, 3, "{results:?}");
    assert_eq!(listing(&c.get("/api/v1/contacts").await.body).0, 5);

    // The places go with it, every field of the schema, and a second import changes nothing.
    let exported = full_json["places"].as_array().unwrap();
    assert_eq!(exported.len(), 3, "{exported:?}");
    assert_eq!(exported[0]["local"], true);
    let (total, imported) = listing(&c.get_public("/api/v1/places?per_page=100").await.body);
    assert_eq!(total, 3);
    let schema_fields = |p: &Value| {
        let mut p = p.as_object().unwrap().clone();
        for computed in [
            "id",
            "origin",
            "origin_name",
            "local",
            "updated",
            "kind",
            "hours_now",
            "point",
        ] {
            p.remove(computed);
        }
        p
    };
    for place in exported {
        let copy = imported
            .iter()
            .find(|p| p["source_id"] == place["source_id"])
            .unwrap_or_else(|| panic!("{} on C", place["nom"]));
        assert_eq!(schema_fields(copy), schema_fields(place));
        assert_eq!(
            copy["origin"],
            format!("{}/centres/{}", c.base, c.settings.centre.username)
        );
    }
    let out = maillage(&c)
        .args(["import", full.to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("places:   0 created, 0 updated, 3 already there"),
        "{report}"
    );
}
on_both_backends!(export_then_import_into_another_node, round_trip);

/// A node's own `export --all` imported back (a restore over itself) creates nothing: its
/// recommendations, its contact cards and its places are recognised as already there.
async fn own_export(backend: Backend) {
    let a = TestNodes::sample(backend).await;
    let count = |path: &'static str| {
        let a = &a;
        async move { listing(&a.get(path).await.body).0 }
    };
    let contacts = count("/api/v1/contacts?per_page=1").await;
    let recommendations = count("/api/v1/recommendations?per_page=1").await;
    let places = count("/api/v1/places?per_page=1").await;
    assert!(contacts > 0 && recommendations > 0 && places > 0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.json");
    let out = maillage(&a)
        .args(["export", "--all", "--output", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = maillage(&a)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains(&format!(
            "skipped:  {recommendations} recommendations and {contacts} contacts already there"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "places:   0 created, 0 updated, {places} already there"
        )),
        "{report}"
    );
    assert_eq!(count("/api/v1/contacts?per_page=1").await, contacts);
    assert_eq!(count("/api/v1/places?per_page=1").await, places);
    assert_eq!(
        count("/api/v1/recommendations?per_page=1").await,
        recommendations
    );
}
on_both_backends!(importing_its_own_export_creates_nothing, own_export);

async fn formats(backend: Backend) {
    let node = TestNodes::sample(backend).await;

    let res = node.get_public("/api/v1/export?format=csv").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut reader = csv::Reader::from_reader(res.text.as_bytes());
    let header = reader.headers().unwrap().clone();
    for column in [
        "id", "origin", "software", "homepage", "license", "category", "replaces", "summary",
    ] {
        assert!(header.iter().any(|h| h == column), "{column}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 64);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let nextcloud = rows
        .iter()
        .find(|r| &r[column("software")] == "Nextcloud")
        .unwrap();
    assert_eq!(&nextcloud[column("license")], "AGPL-3.0-only");
    assert_eq!(
        &nextcloud[column("replaces")],
        "Google Drive | Dropbox | Microsoft OneDrive | iCloud Drive"
    );
    // Commas and accents inside fields survive.
    assert!(nextcloud[column("summary")].contains("alternative libre à Google Drive, Dropbox"));
    // An offer says who runs it.
    assert!(
        nextcloud[column("hosting")].contains("(Framasoft)"),
        "{}",
        &nextcloud[column("hosting")]
    );

    let res = node.get_public("/api/v1/export?format=jsonld").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers["content-type"], "application/ld+json");
    let doc = res.body;
    assert_eq!(doc["@context"][0], "https://schema.org");
    let graph = doc["@graph"].as_array().unwrap();
    let of_type = |t: &str| graph.iter().filter(|n| n["@type"] == t).count();
    assert_eq!(of_type("Recommendation"), 64);
    assert_eq!(of_type("Organization"), 1);
    assert_eq!(of_type("Person"), 3);
    assert!(of_type("SoftwareApplication") >= 60);
    let rec = graph
        .iter()
        .find(|n| n["@type"] == "Recommendation" && n["maillage:replaces"][0] == "Google Drive")
        .unwrap();
    let software = graph
        .iter()
        .find(|n| n["@id"] == rec["itemReviewed"]["@id"])
        .unwrap();
    assert_eq!(software["@type"], "SoftwareApplication");
    assert_eq!(software["name"], "Nextcloud");
    let provider = &rec["maillage:hosting"][0]["provider"];
    assert_eq!(provider["@type"], "Organization", "{rec}");
    assert_eq!(provider["name"], "Framasoft");
    assert_eq!(provider["maillage:chatons"], true);
    assert_eq!(provider["address"]["addressCountry"], "FR");
    assert_eq!(
        software["license"],
        "https://spdx.org/licenses/AGPL-3.0-only"
    );
    assert!(
        graph
            .iter()
            .any(|n| n["@id"] == rec["author"]["@id"] && n["@type"] == "Organization")
    );
    assert!(
        graph
            .iter()
            .all(|n| n.as_object().unwrap().values().all(|v| !v.is_null()))
    );

    let res = node.get_public("/api/v1/export?format=xml").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_field(), Some("format"));

    // The CLI writes the same public data to stdout.
    let out = maillage(&node)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let cli_rows = csv::Reader::from_reader(out.stdout.as_slice())
        .records()
        .count();
    assert_eq!(cli_rows, 64);
    let out = maillage(&node)
        .args(["export", "--format", "jsonld"])
        .output()
        .unwrap();
    let cli_doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli_doc["@graph"].as_array().unwrap().len(), graph.len());
}
on_both_backends!(csv_and_json_ld_exports, formats);

/// A file with bad entries is refused as a whole, naming each entry and field.
async fn refused(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let mut sample: Value =
        serde_json::from_str(maillage::directory::import::SAMPLE_DIRECTORY).unwrap();
    sample["recommendations"][2]["category"] = Value::from("spaceships");
    sample["software"][0]["website"] = Value::from("ftp://nextcloud.com");
    let file = node.data_dir.path().join("bad.json");
    std::fs::write(&file, sample.to_string()).unwrap();
    let out = maillage(&node)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("recommendations.0.software.homepage"),
        "{stderr}"
    );
    assert!(stderr.contains("recommendations.2.category"), "{stderr}");
    assert_eq!(
        listing(&node.get("/api/v1/recommendations").await.body).0,
        0
    );

    std::fs::write(&file, "{\"hello\": \"world\"}").unwrap();
    let out = maillage(&node)
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognised file"));
    let out = maillage(&node)
        .args(["import", "/nonexistent/file.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.json"));
}
on_both_backends!(bad_import_files_change_nothing, refused);
