//! The centre's profile page (issue 12): what staff change there reaches the public page, the
//! actor document and the API; uploaded images are checked, re-encoded, and served immutable.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestNode, TestNodes, picture};
use crate::on_both_backends;
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";

async fn actor(node: &TestNode) -> serde_json::Value {
    node.client
        .get(node.url("/centres/loire"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn fields<'a>(csrf: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", name),
        ("summary", "Ateliers numériques du jeudi, à Saint-Étienne."),
        ("website", "www.loire-numerique.fr"),
        ("contact", "accueil@loire-numerique.fr"),
        ("region", "FR-ARA"),
        ("icon_current", ""),
        ("header_current", ""),
    ]
}

async fn editing_the_profile(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let form = visitor.get("/admin/profile").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(
        form.unlabelled_controls().is_empty(),
        "{:?}",
        form.unlabelled_controls()
    );
    // Regions are offered by name, the code kept underneath.
    assert_eq!(
        form.text_of("#region option[value='FR-ARA']").as_deref(),
        Some("Auvergne-Rhône-Alpes")
    );
    let csrf = form.csrf();

    // Not an image (an SVG that would run a script): refused at its field, nothing saved.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();
    let refused = visitor
        .post_multipart(
            "/admin/profile",
            &fields(&csrf, "Loire Numérique"),
            &[("icon_file", "logo.svg", "image/svg+xml", svg)],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(
        refused.text_of("#icon-error").as_deref(),
        Some("L’avatar n’est pas une image PNG, JPEG ou WebP.")
    );
    assert_eq!(
        refused.attr("#name", "value").as_deref(),
        Some("Loire Numérique")
    );
    // Too large: the message names the field and the limit.
    let big = vec![0xff; 5 * 1024 * 1024 + 10];
    let refused = visitor
        .post_multipart(
            "/admin/profile",
            &fields(&csrf, "Loire Numérique"),
            &[("header_file", "photo.jpg", "image/jpeg", big)],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(
        refused.text_of("#header-error").as_deref(),
        Some("L’image d’en-tête dépasse 5 Mio.")
    );
    assert_ne!(actor(&node).await["name"], "Loire Numérique");

    // A JPEG avatar and a WebP header, with an empty file control beside them as browsers send.
    let saved = visitor
        .post_multipart(
            "/admin/profile",
            &fields(&csrf, "Loire Numérique"),
            &[
                (
                    "icon_file",
                    "logo.jpg",
                    "image/jpeg",
                    picture(900, 600, image::ImageFormat::Jpeg),
                ),
                (
                    "header_file",
                    "bandeau.webp",
                    "image/webp",
                    picture(300, 100, image::ImageFormat::WebP),
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(saved.location.as_deref(), Some("/admin/profile?done=saved"));

    let actor = actor(&node).await;
    assert_eq!(actor["name"], "Loire Numérique");
    let icon = actor["icon"]["url"].as_str().expect("an icon").to_owned();
    let header = actor["image"]["url"].as_str().expect("a header").to_owned();
    let images = format!("{}/images/", node.url("/centres/loire"));
    assert!(
        icon.starts_with(&images) && icon.ends_with(".png"),
        "{icon}"
    );
    assert!(header.starts_with(&images), "{header}");
    // The website was completed with its scheme; the API shows what the page saved.
    let api = node.get_public("/api/v1/centres/loire").await.body;
    assert_eq!(api["website"], "https://www.loire-numerique.fr/");
    assert_eq!(api["region"], "FR-ARA");
    assert_eq!(api["icon"], icon.as_str());

    // Served re-encoded as PNG at its size, cached for ever under its content hash.
    let res = node.client.get(&icon).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let png = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!((png.width(), png.height()), (400, 400));
    let again = node
        .client
        .get(&icon)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let header_png = image::load_from_memory(
        &node
            .client
            .get(&header)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!((header_png.width(), header_png.height()), (1500, 500));
    let missing = node
        .client
        .get(format!("{images}{}.png", "0".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Visitors see the avatar, the region by name and the contact as a link.
    let public = visitor.get("/centres/loire").await;
    assert_eq!(
        public.attr("img.avatar", "src").as_deref(),
        Some(icon.as_str())
    );
    assert_eq!(
        public
            .attr("a[href='mailto:accueil@loire-numerique.fr']", "href")
            .as_deref(),
        Some("mailto:accueil@loire-numerique.fr")
    );

    // The form shows the images; removing the header keeps the avatar.
    let form = visitor.get("/admin/profile?done=saved").await;
    assert_eq!(form.text_of("p.notice").as_deref(), Some("Enregistré."));
    assert_eq!(
        form.attr("img.preview-icon", "src").as_deref(),
        Some(icon.as_str())
    );
    let mut kept = fields(&csrf, "Loire Numérique");
    kept.retain(|(name, _)| !name.ends_with("_current"));
    kept.extend([
        ("icon_current", icon.as_str()),
        ("header_current", header.as_str()),
        ("header_remove", "on"),
    ]);
    let saved = visitor
        .post_multipart(
            "/admin/profile",
            &kept,
            &[("icon_file", "", "application/octet-stream", Vec::new())],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let api = node.get_public("/api/v1/centres/loire").await.body;
    assert_eq!(api["icon"], icon.as_str());
    assert!(api.get("header").is_none(), "{api}");
}
on_both_backends!(
    the_profile_page_edits_the_centre_with_uploaded_images,
    editing_the_profile
);
