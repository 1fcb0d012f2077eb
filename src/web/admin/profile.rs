//! `/admin/profile`: the centre's profile as visitors and the fediverse see it (name,
//! description, website, contact, region by name, avatar and header uploaded from the
//! computer). Saving goes through the same use case as `PATCH /api/v1/centres/{name}`, which
//! sends the actor's `Update` to every follower.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::DirectoryError;
use crate::directory::media::ProfileImage;
use crate::domain::centre::CentreProfileInput;
use crate::domain::region;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{FormErrors, opt};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminUpload, AdminVisit};

use super::{Done, form_error, save};

/// Two images and the text fields: the route's body limit.
pub const UPLOAD_BODY_LIMIT: usize = 2 * crate::directory::media::MAX_IMAGE_BYTES + 1024 * 1024;

/// The profile form as posted (and shown again): `icon` and `header` hold the current images'
/// URLs, replaced by an upload or cleared by the "remove" boxes.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    pub name: String,
    pub summary: String,
    pub website: String,
    pub contact: String,
    pub region: String,
    pub icon: String,
    pub header: String,
}

impl ProfileForm {
    /// The controls errors are placed at: the file controls have the ids `icon` and `header`.
    pub const CONTROLS: &'static [&'static str] = &[
        "name", "summary", "website", "contact", "region", "icon", "header",
    ];

    fn from_input(input: &CentreProfileInput) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: input.name.clone(),
            summary: text(&input.summary),
            website: text(&input.website),
            contact: text(&input.contact),
            region: text(&input.region),
            icon: text(&input.icon),
            header: text(&input.header),
        }
    }

    fn to_input(&self) -> CentreProfileInput {
        CentreProfileInput {
            name: self.name.trim().to_owned(),
            summary: opt(&self.summary),
            website: opt(&self.website),
            region: opt(&self.region),
            icon: opt(&self.icon),
            header: opt(&self.header),
            contact: opt(&self.contact),
        }
    }

    /// The regions offered by name; a stored code the list does not know (`CH-GE`) stays
    /// selectable as it is.
    fn regions(&self) -> Vec<(String, String)> {
        let mut regions: Vec<(String, String)> = region::named()
            .map(|(code, name)| (code.to_owned(), name.to_owned()))
            .collect();
        let current = self.region.trim().to_uppercase();
        if !current.is_empty() && !regions.iter().any(|(code, _)| *code == current) {
            regions.push((current.clone(), current));
        }
        regions
    }
}

#[derive(Template)]
#[template(path = "admin/profile.html")]
struct ProfilePage {
    page: Frame,
    notice: Option<String>,
    centre_url: String,
    regions: Vec<(String, String)>,
    form: ProfileForm,
    error: FormErrors,
}

fn profile_page(
    state: &AppState,
    visit: &Visit,
    centre_url: String,
    notice: Option<String>,
    form: ProfileForm,
    error: FormErrors,
) -> Response {
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProfilePage {
        page: visit.frame(state, visit.tr().t("admin-profile")),
        notice,
        centre_url,
        regions: form.regions(),
        form,
        error,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

/// `GET /admin/profile`
pub async fn form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_directory(visit.lang, e);
    let centre = state.directory.first_centre().await.map_err(err)?;
    let input = state
        .directory
        .centre_profile(&centre.username)
        .await
        .map_err(err)?;
    let frame = visit.frame(&state, String::new());
    Ok(profile_page(
        &state,
        &visit,
        centre.id.to_string(),
        done.message(&frame),
        ProfileForm::from_input(&input),
        FormErrors::default(),
    ))
}

/// `POST /admin/profile` (multipart: the images come from the computer)
pub async fn update(
    State(state): State<AppState>,
    upload: AdminUpload,
) -> Result<Response, PageError> {
    let visit = upload.visit.clone();
    let centre = state
        .directory
        .first_centre()
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let mut form = ProfileForm {
        name: upload.field("name"),
        summary: upload.field("summary"),
        website: upload.field("website"),
        contact: upload.field("contact"),
        region: upload.field("region"),
        icon: upload.field("icon_current"),
        header: upload.field("header_current"),
    };
    let centre_url = centre.id.to_string();
    let again = |form, error| profile_page(&state, &visit, centre_url.clone(), None, form, error);
    for (kind, remove) in [
        (ProfileImage::Avatar, "icon_remove"),
        (ProfileImage::Header, "header_remove"),
    ] {
        let slot = match kind {
            ProfileImage::Avatar => &mut form.icon,
            ProfileImage::Header => &mut form.header,
        };
        if upload.fields.contains_key(remove) {
            slot.clear();
        }
        let Some(bytes) = upload.files.get(&format!("{}_file", kind.field())) else {
            continue;
        };
        match state
            .directory
            .store_profile_image(&centre.username, kind, bytes.clone())
            .await
        {
            Ok(url) => *slot = url,
            Err(e @ DirectoryError::Invalid(_)) => {
                let error = form_error(visit.lang, e, ProfileForm::CONTROLS)?;
                return Ok(again(form, error));
            }
            Err(e) => return Err(PageError::from_directory(visit.lang, e)),
        }
    }
    let input = Ok(form.to_input());
    save(
        visit.lang,
        ProfileForm::CONTROLS,
        input,
        async |input| {
            state
                .directory
                .update_centre(&centre.username, &input)
                .await
        },
        "/admin/profile",
        |error| again(form.clone(), error),
    )
    .await
}
