//! Images uploaded by staff for a centre's profile (avatar and header): checked as images,
//! decoded, cropped and resized, and re-encoded as PNG by the `image` library, then stored in
//! `<data_dir>/media` under the hash of what was written. Re-encoding drops whatever the
//! upload carried besides pixels (EXIF, GPS position, scripts in odd formats), and the content
//! hash in the name lets the file be served as immutable. Never touches the database: the
//! profile keeps the image's URL like any other.

use std::io::Cursor;
use std::path::Path;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use crate::domain::FieldError;

use super::{Directory, DirectoryError};

/// Largest upload accepted for one image.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Largest picture decoded, per side: beyond, the pixels alone would take hundreds of MiB.
const MAX_SIDE: u32 = 8000;
/// Memory the decoder may take for one image.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Which image of the profile, and the shape it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileImage {
    /// Square, 400 px: the size Mastodon shows avatars at.
    Avatar,
    /// 3:1, 1500×500 px: Mastodon's header.
    Header,
}

impl ProfileImage {
    /// The form control (and API field) the image comes from, for error messages.
    pub(crate) fn field(self) -> &'static str {
        match self {
            Self::Avatar => "icon",
            Self::Header => "header",
        }
    }

    fn size(self) -> (u32, u32) {
        match self {
            Self::Avatar => (400, 400),
            Self::Header => (1500, 500),
        }
    }
}

/// A stored image's file name: 32 hex digits of the SHA-256 of its bytes, then `.png`.
pub(crate) fn is_media_name(name: &str) -> bool {
    name.strip_suffix(".png").is_some_and(|hash| {
        hash.len() == 32
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Decodes an upload (PNG, JPEG or WebP only), crops it to the shape of `kind`, resizes it,
/// and encodes it as PNG.
pub(crate) fn reencode(kind: ProfileImage, bytes: &[u8]) -> Result<Vec<u8>, FieldError> {
    let field = kind.field();
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(FieldError::coded(
            field,
            "image-too-large",
            format!(
                "the image is larger than {} MiB",
                MAX_IMAGE_BYTES / 1024 / 1024
            ),
            &[("field", &field), ("max", &(MAX_IMAGE_BYTES / 1024 / 1024))],
        ));
    }
    let not_an_image = || {
        FieldError::coded(
            field,
            "not-an-image",
            "is not a PNG, JPEG or WebP image",
            &[("field", &field)],
        )
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| not_an_image())?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)
    ) {
        return Err(not_an_image());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => FieldError::coded(
            field,
            "image-too-wide",
            format!("the picture is larger than {MAX_SIDE}×{MAX_SIDE} pixels"),
            &[("field", &field), ("max", &MAX_SIDE)],
        ),
        _ => not_an_image(),
    })?;
    let (width, height) = kind.size();
    let resized = decoded.resize_to_fill(width, height, FilterType::CatmullRom);
    let mut out = Vec::new();
    DynamicImage::ImageRgba8(resized.to_rgba8())
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| not_an_image())?;
    Ok(out)
}

/// The file name an encoded image is stored under.
fn media_name(png: &[u8]) -> String {
    let digest = format!("{:x}", Sha256::digest(png));
    format!("{}.png", &digest[..32])
}

/// Writes the file whole or not at all (a temporary file renamed into place), so that a
/// crash never leaves half an image under a name that promises its hash.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(name);
    if target.exists() {
        return Ok(());
    }
    let temporary = dir.join(format!(".{name}.{}", uuid::Uuid::new_v4()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

impl Directory {
    /// Stores an uploaded image for the profile of local centre `username` and returns the
    /// URL it is served at (under the centre's address, so pages show it as the centre's own).
    #[tracing::instrument(skip(self, bytes), fields(bytes = bytes.len()))]
    pub(crate) async fn store_profile_image(
        &self,
        username: &str,
        kind: ProfileImage,
        bytes: Vec<u8>,
    ) -> Result<String, DirectoryError> {
        let centre = self.local_centre(username).await?;
        let dir = self.inner.media_dir.clone();
        // Decoding and resizing take CPU time: off the async threads.
        let name = tokio::task::spawn_blocking(move || {
            let png = reencode(kind, &bytes)?;
            let name = media_name(&png);
            write_atomically(&dir, &name, &png)
                .map_err(|e| DirectoryError::Internal(format!("storing an image: {e}")))?;
            Ok::<_, DirectoryError>(name)
        })
        .await
        .map_err(|e| DirectoryError::Internal(e.to_string()))??;
        Ok(format!(
            "{}/images/{name}",
            self.urls().centre(&centre.username)
        ))
    }

    /// The bytes of a stored image, if there is one of that name.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn profile_image(
        &self,
        name: &str,
    ) -> Result<Option<Vec<u8>>, DirectoryError> {
        if !is_media_name(name) {
            return Ok(None);
        }
        let path = self.inner.media_dir.join(name);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DirectoryError::Internal(format!("reading an image: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_rgb8(width, height)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn uploads_are_cropped_resized_and_reencoded() {
        let avatar = reencode(ProfileImage::Avatar, &png(900, 300)).unwrap();
        let decoded = image::load_from_memory(&avatar).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (400, 400));
        let header = reencode(ProfileImage::Header, &png(200, 200)).unwrap();
        let decoded = image::load_from_memory(&header).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1500, 500));
    }

    #[test]
    fn what_is_not_a_small_image_is_refused_by_field() {
        let error = reencode(ProfileImage::Avatar, b"<svg onload=alert(1)>").unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("icon", Some("not-an-image"))
        );
        let error = reencode(ProfileImage::Header, &vec![0; MAX_IMAGE_BYTES + 1]).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("header", Some("image-too-large"))
        );
        let mut gif = Vec::new();
        DynamicImage::new_rgb8(4, 4)
            .write_to(&mut Cursor::new(&mut gif), ImageFormat::Png)
            .unwrap();
        gif[..6].copy_from_slice(b"GIF89a");
        assert!(reencode(ProfileImage::Avatar, &gif).is_err());
    }

    #[test]
    fn names_are_content_hashes() {
        let name = media_name(b"abc");
        assert!(is_media_name(&name), "{name}");
        assert!(!is_media_name("../../etc/passwd.png"));
        assert!(!is_media_name(&name.to_uppercase()));
    }
}
