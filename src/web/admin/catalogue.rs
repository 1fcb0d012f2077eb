//! What the recommendation form knows already (issue 12): the software of the catalogue, so
//! that picking a known name fills its homepage, repository and licence; and the common
//! licences by name, so that staff choose "GNU AGPL v3 ou ultérieure" and the SPDX identifier
//! is stored underneath.
//!
//! Both work without JavaScript: the names come as `<datalist>` suggestions, and the server
//! resolves what was typed when the form is posted (a known name with its other fields left
//! blank is completed from the catalogue; a licence name becomes its identifier). With
//! JavaScript, `recommendation-form.js` fills the fields as soon as a known name is picked.

use crate::directory::views::SoftwareView;
use crate::domain::Window;
use crate::domain::licence::COMMON;
use crate::domain::text::fold;
use crate::state::AppState;
use crate::web::forms::RecommendationForm;
use crate::web::frame::Frame;

/// The catalogue's software, by name; none when it cannot be read (the form still works with
/// everything typed).
pub async fn known_software(state: &AppState) -> Vec<SoftwareView> {
    state
        .directory
        .list_software(Window {
            offset: 0,
            limit: 5000,
        })
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "catalogue unavailable to the form"))
        .map(|l| l.results.into_iter().map(|e| e.software).collect())
        .unwrap_or_default()
}

/// A licence offered by name.
pub struct LicenceChoice {
    pub spdx: &'static str,
    pub name: String,
}

pub fn licence_choices(page: &Frame) -> Vec<LicenceChoice> {
    COMMON
        .iter()
        .map(|spdx| LicenceChoice {
            spdx,
            name: page.licence(spdx).names,
        })
        .collect()
}

/// The form as posted, with what the catalogue and the licence names resolve: a known
/// software's blank fields filled, a licence typed by name turned into its SPDX identifier.
pub fn resolve(
    mut form: RecommendationForm,
    known: &[SoftwareView],
    page: &Frame,
) -> RecommendationForm {
    let name = fold(&form.software_name);
    if let Some(s) = known
        .iter()
        .find(|s| !name.is_empty() && (fold(&s.name) == name || s.slug == name.replace(' ', "-")))
    {
        form.software_name = s.name.clone();
        let blank = |field: &mut String, value: Option<&String>| {
            if field.trim().is_empty()
                && let Some(v) = value
            {
                field.clone_from(v);
            }
        };
        blank(&mut form.software_homepage, Some(&s.homepage));
        blank(&mut form.software_repository, s.repository.as_ref());
        blank(&mut form.software_license, s.license.as_ref());
    }
    let typed = fold(&form.software_license);
    if let Some(choice) = licence_choices(page)
        .into_iter()
        .find(|c| !typed.is_empty() && fold(&c.name) == typed)
    {
        form.software_license = choice.spdx.to_owned();
    }
    form
}

/// A stored licence as the form shows it: its name when it is one of the common ones.
pub fn licence_by_name(form: &mut RecommendationForm, page: &Frame) {
    if let Some(choice) = licence_choices(page)
        .into_iter()
        .find(|c| c.spdx == form.software_license)
    {
        form.software_license = choice.name;
    }
}
