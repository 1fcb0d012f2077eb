//! The workshop sheet: a category page printed by Chromium to PDF, as a mediator's Ctrl+P
//! would, then read back as a person would read the paper: its text (poppler's `pdftotext`)
//! holds the page's address, the hosted services and the centre's contact; its QR code, read
//! from the rendered page (poppler's `pdftoppm`, then the `rqrr` reader), opens that address.

use std::path::Path;
use std::process::Command;

use serde_json::json;

use crate::harness::{Browser, Options, artifacts_dir};
use crate::helpers::{Backend, TestNodes, skip};

/// poppler-utils' tools, or `None` after saying why (`.ci/with-browser` installs them).
fn poppler() -> Option<()> {
    let found = ["pdftotext", "pdftoppm"].iter().all(|tool| {
        Command::new(tool)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found {
        Some(())
    } else {
        skip("needs poppler-utils (pdftotext, pdftoppm): run .ci/with-browser cargo test");
        None
    }
}

/// The texts of every QR code on the PDF's pages, rendered in grey at 300 dpi without
/// anti-aliasing (sharp module edges for the reader).
fn qr_codes(pdf: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-aa", "no", "-aaVector", "no", "-gray", "-png"])
        .arg(pdf)
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success(), "pdftoppm failed");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let file = std::fs::File::open(entry.unwrap().path()).unwrap();
        let mut reader = png::Decoder::new(std::io::BufReader::new(file))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let channels = info.color_type.samples();
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
        for grid in image.detect_grids() {
            if let Ok((_, text)) = grid.decode() {
                found.push(text);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printed_category_sheet_holds_the_address_qr_code_hosts_and_contact() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let centre = node.settings.centre.username.clone();
    let res = node
        .patch(
            &format!("/api/v1/centres/{centre}"),
            &json!({"contact": "accueil@mediation.example"}),
        )
        .await;
    assert_eq!(res.status, reqwest::StatusCode::OK, "{}", res.text);
    let Some(browser) = Browser::start_with(&node.base, Options::default()).await else {
        return;
    };
    let Some(()) = poppler() else {
        browser.close().await;
        return;
    };
    browser.goto("/categories/office").await;
    // On screen the sheet's footer is not there; on paper it is.
    let shown = browser
        .eval("getComputedStyle(document.querySelector('aside.sheet')).display")
        .await;
    assert_eq!(shown, "none");
    // The handout leads with what is recommended; what to avoid comes last, and says so.
    let levels = browser
        .eval(
            "[...document.querySelectorAll('ul.handout > li')].map(li => \
               li.querySelector('.level-avoid') ? 2 : li.querySelector('.level-usable') ? 1 : 0)",
        )
        .await;
    let levels: Vec<u64> = serde_json::from_value(levels).unwrap();
    assert!(
        levels.contains(&2),
        "the demo advises against one office suite"
    );
    assert!(levels.is_sorted(), "{levels:?}");
    let hosts = browser.texts("p.hosted a").await;
    assert!(
        !hosts.is_empty(),
        "the demo's office suites have hosted offers"
    );

    let pdf = browser.print_pdf().await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let path = artifacts_dir().join("sheet-office.pdf");
    std::fs::create_dir_all(artifacts_dir()).unwrap();
    std::fs::write(&path, &pdf).unwrap();
    println!("printed: {}", path.display());
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    // Lines wrap where the paper ends: read the text as one line.
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let address = format!("{}/categories/office", node.base);
    for expected in [
        address.as_str(),
        "accueil@mediation.example",
        "Pour être accompagné",
        "Fiche imprimée le",
        hosts[0].as_str(),
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the PDF: {text}"
        );
    }
    assert!(
        !text.contains("Rechercher"),
        "the search form is not printed"
    );
    assert_eq!(qr_codes(&path), vec![address]);
    browser.close().await;
}
