//! `/centres/{username}/avatar.png`: the avatar of a local centre that has none of its own, so
//! that a fresh centre does not show a blank profile on Mastodon. A symmetric 5×5 pattern in
//! one colour, both drawn from a hash of the username (the same centre always gets the same
//! image; two centres rarely get the same one), encoded by the `png` library. PNG because
//! fediverse servers accept PNG, JPEG, GIF and WebP avatars, not SVG.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// Side of the image in pixels: Mastodon shows avatars at up to 400 px and crops to a
/// square; 420 is 7 cells of 60, so the pattern sits exactly in the middle.
const SIZE: u32 = 420;
/// Cells per side of the pattern, and the margin around it, in cells.
const CELLS: u32 = 5;
const MARGIN: u32 = 1;

/// Whether the request's `If-None-Match` names `etag` (then 304 is the answer).
pub(super) fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
}

pub(super) async fn avatar(
    State(state): State<AppState>,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.directory.get_centre(&username).await {
        Ok(_) => {}
        Err(crate::directory::DirectoryError::NotFound(_)) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(e) => {
            crate::failure::Incident::log("avatar", &e);
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let username = username.trim().to_lowercase();
    // The image depends on the username only: its hash is a strong validator.
    let digest = format!("{:x}", Sha256::digest(username.as_bytes()));
    let etag = format!("\"{}\"", &digest[..16]);
    let cache = [
        (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
        (header::ETAG, etag.clone()),
    ];
    if etag_matches(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let png = tokio::task::spawn_blocking(move || generated(&username)).await;
    match png {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, "image/png".to_owned())],
            cache,
            bytes,
        )
            .into_response(),
        Err(e) => {
            crate::failure::Incident::log("avatar", &e);
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The PNG of `username`'s pattern.
pub(super) fn generated(username: &str) -> Vec<u8> {
    let digest = Sha256::digest(username.as_bytes());
    let ink = colour(u16::from_be_bytes([digest[0], digest[1]]) % 360);
    let paper = [0xf4, 0xf4, 0xf1];
    // 15 bits decide the left three columns; the right two mirror them.
    let bits = match u32::from_be_bytes([0, digest[2], digest[3], digest[4]]) {
        // (1 name in 32,768 would draw nothing at all: draw the whole square instead.)
        b if b & 0x7fff == 0 => !b,
        b => b,
    };
    let on = |col: u32, row: u32| {
        let col = col.min(CELLS - 1 - col);
        bits >> (col * CELLS + row) & 1 == 1
    };
    let cell = SIZE / (CELLS + 2 * MARGIN);
    let offset = (SIZE - cell * CELLS) / 2;
    let mut pixels = Vec::with_capacity((SIZE * SIZE * 3) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let inside = (offset..offset + cell * CELLS).contains(&x)
                && (offset..offset + cell * CELLS).contains(&y);
            let lit = inside && on((x - offset) / cell, (y - offset) / cell);
            pixels.extend_from_slice(if lit { &ink } else { &paper });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, SIZE, SIZE);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder
        .write_header()
        .expect("writing to a Vec cannot fail");
    writer
        .write_image_data(&pixels)
        .expect("the buffer has the header's size");
    writer.finish().expect("writing to a Vec cannot fail");
    out
}

/// A saturated, mid-dark colour of hue `hue` (degrees): legible against the light background,
/// contrast ratio ≥ 3 whatever the hue.
fn colour(hue: u16) -> [u8; 3] {
    let (s, l) = (0.55_f32, 0.34_f32);
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let h = f32::from(hue) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match hue / 60 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [byte(r), byte(g), byte(b)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_centre_always_gets_the_same_image_and_two_centres_different_ones() {
        let a = generated("centre");
        assert_eq!(a, generated("centre"));
        assert_ne!(a, generated("zoomacom"));
        let decoder = png::Decoder::new(std::io::Cursor::new(a));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (SIZE, SIZE));
    }

    #[test]
    fn the_pattern_is_symmetric_and_never_blank() {
        for name in ["centre", "zoomacom", "a", "médiation"] {
            let png = generated(name);
            let mut reader = png::Decoder::new(std::io::Cursor::new(png))
                .read_info()
                .unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            reader.next_frame(&mut buf).unwrap();
            let px = |x: u32, y: u32| {
                let i = ((y * SIZE + x) * 3) as usize;
                [buf[i], buf[i + 1], buf[i + 2]]
            };
            let row = SIZE / 2;
            for x in 0..SIZE {
                assert_eq!(px(x, row), px(SIZE - 1 - x, row), "{name} at {x}");
            }
            let inked = (0..SIZE)
                .flat_map(|y| (0..SIZE).map(move |x| (x, y)))
                .filter(|&(x, y)| px(x, y) != [0xf4, 0xf4, 0xf1])
                .count();
            assert!(inked > 0, "{name}: a blank avatar");
        }
    }

    /// Every hue keeps a contrast of at least 3:1 with the background (WCAG's figure for
    /// graphics).
    #[test]
    fn every_hue_contrasts_with_the_background() {
        fn luminance([r, g, b]: [u8; 3]) -> f64 {
            let lin = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        }
        let paper = luminance([0xf4, 0xf4, 0xf1]);
        for hue in 0..360 {
            let ratio = (paper + 0.05) / (luminance(colour(hue)) + 0.05);
            assert!(ratio >= 3.0, "hue {hue}: {ratio:.2}");
        }
    }
}
