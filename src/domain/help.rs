//! Requests for help: a person asks a centre to accompany them (leave Gmail, set up a shared
//! drive for their association…). What they send, the rules it must meet before anything is
//! stored, and the reference they keep.
//!
//! Personal data: a request is kept only with the person's consent to be contacted, recorded
//! with its date and the exact words they agreed to, and only with a way to contact them (an
//! e-mail address or a phone number; from the fediverse, their account).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::communes::{self, Commune};
use super::contact::{email, phone};
use super::text;
use super::validation::Problems;
use super::{FieldError, category};

pub const NAME_MAX: usize = 120;
pub const NEED_MIN: usize = 10;
pub const NEED_MAX: usize = 4000;
pub const CONSENT_TEXT_MAX: usize = 1000;
/// A staff reply to a fediverse account: a direct message, kept short like one.
pub const REPLY_MAX: usize = 4000;
pub const NOTES_MAX: usize = 10_000;

/// Who asks: the kind of organisation the person acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationKind {
    Association,
    Cooperative,
    LocalAuthority,
    Company,
    Individual,
    Other,
}

impl OrganisationKind {
    pub const ALL: [Self; 6] = [
        Self::Association,
        Self::Cooperative,
        Self::LocalAuthority,
        Self::Company,
        Self::Individual,
        Self::Other,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Association => "association",
            Self::Cooperative => "cooperative",
            Self::LocalAuthority => "local-authority",
            Self::Company => "company",
            Self::Individual => "individual",
            Self::Other => "other",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
            .ok_or_else(|| {
                FieldError::coded(
                    field,
                    "organisation-kind",
                    format!(
                        "`{}` is not a kind of organisation: expected association, \
                         cooperative, local-authority, company, individual or other",
                        value.trim()
                    ),
                    &[("value", &value.trim())],
                )
            })
    }

    /// A stored value back; an unknown one (written by a later version) reads as `Other`.
    pub(crate) fn from_stored(value: &str) -> Self {
        Self::parse("", value).unwrap_or(Self::Other)
    }
}

/// Where a request stands for the staff who handle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HelpStatus {
    New,
    InProgress,
    Done,
}

impl HelpStatus {
    pub const ALL: [Self; 3] = [Self::New, Self::InProgress, Self::Done];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::InProgress => "in-progress",
            Self::Done => "done",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    format!(
                        "`{}` is not a status: expected new, in-progress or done",
                        value.trim()
                    ),
                )
            })
    }

    /// A stored value back; an unknown one reads as `New`, so that staff look at it.
    pub(crate) fn from_stored(value: &str) -> Self {
        Self::parse("", value).unwrap_or(Self::New)
    }
}

/// How a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// The form of this node's website.
    Web,
    /// `POST /api/v1/help-requests`.
    Api,
    /// A mention or a direct message from a fediverse account.
    Fediverse,
    /// Forwarded by another node, whose visitor chose one of our centres.
    Peer,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
            Self::Fediverse => "fediverse",
            Self::Peer => "peer",
        }
    }

    pub(crate) fn from_stored(value: &str) -> Self {
        match value {
            "web" => Self::Web,
            "fediverse" => Self::Fediverse,
            "peer" => Self::Peer,
            _ => Self::Api,
        }
    }
}

/// A consent as the person gave it: when, and the words they agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub given_at: DateTime<Utc>,
    /// The sentence the person agreed to, as it was shown to them.
    pub text: String,
}

/// A request as the website and the API send it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpRequestInput {
    pub name: String,
    /// An e-mail address, a phone number, or both: at least one.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Where the person is: a postcode (`42000`) or a commune (`Saint-Étienne`); it routes
    /// the request to the nearest centre when none is chosen.
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub commune: Option<String>,
    /// `association`, `cooperative`, `local-authority`, `company`, `individual` or `other`.
    pub organisation_kind: String,
    /// What they need, in their words.
    pub need: String,
    /// The software the request is about (its name or its page's slug), if any.
    #[serde(default)]
    pub software: Option<String>,
    /// A category of the shared taxonomy (`documents`, `email`…), if any.
    #[serde(default)]
    pub category: Option<String>,
    /// The centre chosen: a centre of this node (`username`) or of another node
    /// (`username@domain`). Without it, the nearest centre of this node that serves the place.
    #[serde(default)]
    pub centre: Option<String>,
    /// Consent to be contacted about this request (required).
    #[serde(default)]
    pub consent: Option<ConsentInput>,
    /// Consent that the request leaves this node for the chosen centre's (required when the
    /// centre is on another node).
    #[serde(default)]
    pub transfer_consent: Option<ConsentInput>,
}

/// A checked consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub given_at: DateTime<Utc>,
    pub text: String,
}

/// A request that passed every rule.
#[derive(Debug, Clone)]
pub struct HelpDraft {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: Option<String>,
    /// The commune of France the postcode or the name stands for.
    pub commune: Option<&'static Commune>,
    pub organisation_kind: OrganisationKind,
    pub need: String,
    pub software: Option<String>,
    pub category: Option<String>,
    pub centre: Option<String>,
    pub consent: Consent,
    pub transfer_consent: Option<Consent>,
}

impl HelpDraft {
    /// The commune's name, as the request shows it.
    pub(crate) fn commune_name(&self) -> Option<String> {
        self.commune.map(|c| c.name.clone())
    }

    /// The commune's point, to find the nearest place.
    pub(crate) fn point(&self) -> Option<(f64, f64)> {
        self.commune.map(|c| (c.latitude, c.longitude))
    }
}

impl HelpRequestInput {
    /// Every rule the request breaks, each naming its field (the form shows them all at once).
    pub(crate) fn problems(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        match self.check(now) {
            Ok(_) => Vec::new(),
            Err(problems) => problems,
        }
    }

    /// The request checked, or its first problem (what the API answers).
    pub(crate) fn validate(&self, now: DateTime<Utc>) -> Result<HelpDraft, FieldError> {
        self.check(now)
            .map_err(|mut problems| problems.swap_remove(0))
    }

    fn check(&self, now: DateTime<Utc>) -> Result<HelpDraft, Vec<FieldError>> {
        let mut keep = Problems::default();
        let given = keep.keep(match &self.consent {
            None => Err(FieldError::coded(
                "consent",
                "help-consent",
                "the person's consent to be contacted is required (consent.given_at, \
                 consent.text)",
                &[],
            )),
            Some(c) => consent("consent", c, now),
        });
        let name = keep.keep(text::bounded("name", &self.name, 1, NAME_MAX, false));
        let email = keep.keep(email("email", self.email.as_deref().unwrap_or_default()));
        let phone = keep.keep(phone("phone", self.phone.as_deref().unwrap_or_default()));
        if matches!((&email, &phone), (Some(None), Some(None))) {
            keep.keep(Err::<(), _>(FieldError::coded(
                "email",
                "help-reachable",
                "give an e-mail address or a phone number, so that the centre can answer",
                &[],
            )));
        }
        let place = keep.keep(where_from(
            self.postcode.as_deref(),
            self.commune.as_deref(),
            self.centre.is_some(),
        ));
        let organisation_kind = keep.keep(OrganisationKind::parse(
            "organisation_kind",
            &self.organisation_kind,
        ));
        let need = keep.keep(text::bounded("need", &self.need, NEED_MIN, NEED_MAX, true));
        let software = keep.keep(text::optional(
            "software",
            self.software.as_deref(),
            200,
            false,
        ));
        let category = keep.keep(match self.category.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(id) => category::Category::parse("category", id).map(|c| Some(c.id.to_owned())),
        });
        let centre = keep.keep(text::optional("centre", self.centre.as_deref(), 300, false));
        let transfer_consent = keep.keep(match &self.transfer_consent {
            None => Ok(None),
            Some(c) => consent("transfer_consent", c, now).map(Some),
        });
        keep.finish(|| {
            let (postcode, commune) = place?;
            Some(HelpDraft {
                name: name?,
                email: email?,
                phone: phone?,
                postcode,
                commune,
                organisation_kind: organisation_kind?,
                need: need?,
                software: software?,
                category: category?,
                centre: centre?,
                consent: given?,
                transfer_consent: transfer_consent?,
            })
        })
    }
}

/// The postcode and commune a request comes from. A postcode names its commune; a commune
/// name finds its postcode. Required unless a centre was chosen.
fn where_from(
    postcode: Option<&str>,
    commune: Option<&str>,
    centre_chosen: bool,
) -> Result<(Option<String>, Option<&'static Commune>), FieldError> {
    let postcode = postcode.map(str::trim).filter(|p| !p.is_empty());
    let commune = commune.map(str::trim).filter(|c| !c.is_empty());
    let found = match (postcode, commune) {
        (Some(p), _) => communes::find("postcode", p)?,
        (None, Some(c)) => communes::find("commune", c)?,
        (None, None) if centre_chosen => return Ok((None, None)),
        (None, None) => {
            return Err(FieldError::coded(
                "postcode",
                "help-where",
                "give a postcode or a commune, so that the request reaches a centre near you",
                &[],
            ));
        }
    };
    let postcode = postcode
        .map(str::to_owned)
        .or_else(|| found.postcodes.first().cloned());
    Ok((postcode, Some(found)))
}

fn consent(field: &str, consent: &ConsentInput, now: DateTime<Utc>) -> Result<Consent, FieldError> {
    // A little slack for clocks that disagree; a date further ahead is a mistake.
    if consent.given_at > now + Duration::hours(24) {
        return Err(FieldError::coded(
            format!("{field}.given_at"),
            "future",
            "must not be in the future",
            &[],
        ));
    }
    let text = text::bounded(
        &format!("{field}.text"),
        &consent.text,
        1,
        CONSENT_TEXT_MAX,
        true,
    )?;
    Ok(Consent {
        given_at: consent.given_at,
        text,
    })
}

/// The letters of references: Crockford's base 32 (no I, L, O or U), read aloud on the phone
/// without confusion.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS: usize = 3;
const GROUP: usize = 4;
const PREFIX: &str = "AIDE";

/// A new reference, `AIDE-7K3M-Q9PX-2HTB`: 60 random bits. The person keeps it to ask about
/// the request or to have it erased, so it must not be guessable.
pub(crate) fn new_reference() -> String {
    let mut rng = rand::thread_rng();
    let mut out = String::from(PREFIX);
    for _ in 0..GROUPS {
        out.push('-');
        for _ in 0..GROUP {
            out.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
        }
    }
    out
}

/// A reference as a person may type it back (lower case, spaces, O for 0, I or L for 1),
/// in its canonical form; None if it cannot be one.
pub(crate) fn parse_reference(value: &str) -> Option<String> {
    let letters: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body: String = letters
        .strip_prefix(PREFIX)
        .unwrap_or(&letters)
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if body.len() != GROUPS * GROUP || !body.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    let groups: Vec<&str> = (0..GROUPS)
        .map(|i| &body[i * GROUP..(i + 1) * GROUP])
        .collect();
    Some(format!("{PREFIX}-{}", groups.join("-")))
}

/// The e-mail address in a centre's contact (`accueil@example.org` or
/// `mailto:accueil@example.org`); None when the contact is a web page.
pub(crate) fn email_of_contact(contact: &str) -> Option<String> {
    let address = contact.trim();
    let address = address.strip_prefix("mailto:").unwrap_or(address);
    email("contact", address).ok().flatten()
}

/// A staff reply to a fediverse account.
pub(crate) fn reply_text(value: &str) -> Result<String, FieldError> {
    text::bounded("reply", value, 1, REPLY_MAX, true)
}

/// Staff notes on a request.
pub(crate) fn notes_text(value: &str) -> Result<String, FieldError> {
    Ok(text::optional("notes", Some(value), NOTES_MAX, true)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given() -> ConsentInput {
        ConsentInput {
            given_at: Utc::now(),
            text: "J’accepte que le centre me recontacte au sujet de cette demande.".into(),
        }
    }

    fn input() -> HelpRequestInput {
        HelpRequestInput {
            name: "Awa Diallo".into(),
            email: Some("awa@example.org".into()),
            postcode: Some("42000".into()),
            organisation_kind: "association".into(),
            need: "Nous voulons quitter Gmail pour l’association.".into(),
            consent: Some(given()),
            ..HelpRequestInput::default()
        }
    }

    #[test]
    fn a_complete_request_passes_and_finds_its_commune() {
        let draft = input().validate(Utc::now()).unwrap();
        assert_eq!(draft.commune_name().as_deref(), Some("Saint-Étienne"));
        assert_eq!(draft.postcode.as_deref(), Some("42000"));
        assert_eq!(draft.organisation_kind, OrganisationKind::Association);
    }

    #[test]
    fn without_consent_the_field_is_named() {
        let request = HelpRequestInput {
            consent: None,
            ..input()
        };
        assert_eq!(request.validate(Utc::now()).unwrap_err().field, "consent");
    }

    #[test]
    fn without_a_way_to_be_contacted_the_email_is_named() {
        let request = HelpRequestInput {
            email: None,
            phone: Some("  ".into()),
            ..input()
        };
        let error = request.validate(Utc::now()).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("email", Some("help-reachable"))
        );
        let phone_only = HelpRequestInput {
            email: None,
            phone: Some("04 77 00 00 00".into()),
            ..input()
        };
        assert!(phone_only.validate(Utc::now()).is_ok());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let request = HelpRequestInput {
            name: String::new(),
            email: Some("not an address".into()),
            postcode: Some("00000".into()),
            organisation_kind: "club".into(),
            need: "aide".into(),
            consent: None,
            ..HelpRequestInput::default()
        };
        let fields: Vec<String> = request
            .problems(Utc::now())
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "consent",
                "name",
                "email",
                "postcode",
                "organisation_kind",
                "need"
            ]
        );
    }

    #[test]
    fn a_commune_name_finds_its_postcode_and_a_chosen_centre_needs_no_place() {
        let by_name = HelpRequestInput {
            postcode: None,
            commune: Some("Rennes".into()),
            ..input()
        };
        assert_eq!(
            by_name.validate(Utc::now()).unwrap().postcode.as_deref(),
            Some("35000")
        );
        let nowhere = HelpRequestInput {
            postcode: None,
            ..input()
        };
        assert_eq!(nowhere.validate(Utc::now()).unwrap_err().field, "postcode");
        let chosen = HelpRequestInput {
            postcode: None,
            centre: Some("numerique-loire".into()),
            ..input()
        };
        assert!(chosen.validate(Utc::now()).unwrap().commune.is_none());
    }

    #[test]
    fn consent_in_the_future_is_refused() {
        let request = HelpRequestInput {
            consent: Some(ConsentInput {
                given_at: Utc::now() + Duration::days(3),
                ..given()
            }),
            ..input()
        };
        assert_eq!(
            request.validate(Utc::now()).unwrap_err().field,
            "consent.given_at"
        );
    }

    #[test]
    fn references_are_random_and_read_back_as_typed() {
        let a = new_reference();
        let b = new_reference();
        assert_ne!(a, b);
        assert_eq!(a.len(), "AIDE-XXXX-XXXX-XXXX".len());
        assert_eq!(parse_reference(&a).as_deref(), Some(a.as_str()));
        let typed = a.to_lowercase().replace('-', " ");
        assert_eq!(parse_reference(&typed).as_deref(), Some(a.as_str()));
        assert_eq!(
            parse_reference("aide 0ILO 2345 6789").as_deref(),
            Some("AIDE-0110-2345-6789")
        );
        assert_eq!(parse_reference("AIDE-1234"), None);
        assert_eq!(parse_reference("AIDE-UUUU-1234-5678"), None);
    }
}
