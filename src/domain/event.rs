//! Workshops and permanences ("ateliers", "permanences"): an event a centre holds at one of its
//! places, or online, between two instants.
//!
//! Times are written in RFC 3339 with their offset (`2026-12-10T14:00:00+01:00`): an event
//! happens at a wall-clock time somewhere, and the offset is what the organiser meant; it is
//! kept and given back as it came. `summary` is plain text (it is also the ActivityStreams
//! `summary` peers and Mastodon show).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::web_url::HttpUrl;
use super::{FieldError, text};

/// Longest event name.
pub const NAME_MAX: usize = 200;
/// Longest summary.
pub const SUMMARY_MAX: usize = 5000;
/// Longest event: a permanence over a week-end is fine, a "workshop" lasting a month is a typo.
pub const MAX_DAYS: i64 = 31;

/// An event as sent on the wire (`POST` body; `PATCH` is a JSON merge patch of it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// At most 200 characters.
    pub name: String,
    /// RFC 3339 with an offset: `2026-12-10T14:00:00+01:00`.
    pub start: String,
    /// RFC 3339 with an offset, after `start`.
    pub end: String,
    /// One of the centre's places, by key or id; absent for an online event (which then needs
    /// `online_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Plain text, at most 5000 characters; line breaks separate paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where to book a seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_url: Option<String>,
    /// Where an online event (or the online part of one) happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
}

/// A validated event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    pub name: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// The place as given (key or id); the caller resolves it among the centre's places.
    pub place: Option<String>,
    pub summary: Option<String>,
    pub booking_url: Option<String>,
    pub online_url: Option<String>,
}

/// Where an event takes place, as peers send it (an ActivityStreams `Place` with a
/// schema.org `PostalAddress`) and as a received copy stores it. Every field is bounded text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventLocation {
    /// The place's id (its page), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl EventLocation {
    /// Checks a received location: bounded texts, an http(s) id, coordinates in range (out of
    /// range ones are dropped, not refused: the address still says where).
    pub(crate) fn validate(&self) -> Result<Self, FieldError> {
        let id = HttpUrl::optional("location.id", self.id.as_deref())?.map(|u| u.to_string());
        let name = text::bounded("location.name", &self.name, 1, 300, false)?;
        let street_address = text::optional(
            "location.address.streetAddress",
            self.street_address.as_deref(),
            300,
            false,
        )?;
        let postal_code = text::optional(
            "location.address.postalCode",
            self.postal_code.as_deref(),
            20,
            false,
        )?;
        let locality = text::optional(
            "location.address.addressLocality",
            self.locality.as_deref(),
            200,
            false,
        )?;
        let (latitude, longitude) = match (self.latitude, self.longitude) {
            (Some(lat), Some(lon))
                if lat.is_finite()
                    && lon.is_finite()
                    && (-90.0..=90.0).contains(&lat)
                    && (-180.0..=180.0).contains(&lon) =>
            {
                (Some(lat), Some(lon))
            }
            _ => (None, None),
        };
        Ok(Self {
            id,
            name,
            street_address,
            postal_code,
            locality,
            latitude,
            longitude,
        })
    }

    /// One line: `12 rue de la République, 42400 Saint-Chamond`.
    pub(crate) fn address_line(&self) -> String {
        let town = [self.postal_code.as_deref(), self.locality.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street_address.clone(),
            Some(town).filter(|t| !t.is_empty()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Reads an RFC 3339 instant with its offset.
pub(crate) fn parse_time(field: &str, value: &str) -> Result<DateTime<FixedOffset>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::coded(field, "empty", "must not be empty", &[]));
    }
    DateTime::parse_from_rfc3339(value).map_err(|e| {
        FieldError::coded(
            field,
            "datetime",
            format!(
                "`{value}` is not a date and time in RFC 3339 with its offset, such as \
                 2026-12-10T14:00:00+01:00 ({e})"
            ),
            &[("value", &value)],
        )
    })
}

/// An instant as the API writes it: RFC 3339, seconds, the organiser's offset.
pub(crate) fn format_time(time: &DateTime<FixedOffset>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

impl EventInput {
    /// Checks a local event: every rule of [`validate_copy`](Self::validate_copy), and it
    /// takes place somewhere (a place or online).
    pub(crate) fn validate(&self) -> Result<EventDraft, FieldError> {
        let draft = self.validate_copy()?;
        if draft.place.is_none() && draft.online_url.is_none() {
            return Err(FieldError::coded(
                "place",
                "event-where",
                "an event takes place at one of the centre's places, or online (give online_url)",
                &[],
            ));
        }
        Ok(draft)
    }

    /// Checks the fields one by one (a copy received from a peer says where it takes place
    /// with its own location, checked apart).
    pub(crate) fn validate_copy(&self) -> Result<EventDraft, FieldError> {
        let name = text::bounded("name", &self.name, 1, NAME_MAX, false)?;
        let start = parse_time("start", &self.start)?;
        let end = parse_time("end", &self.end)?;
        if end <= start {
            return Err(FieldError::coded(
                "end",
                "end-before-start",
                "must be after the start",
                &[],
            ));
        }
        if end - start > chrono::Duration::days(MAX_DAYS) {
            return Err(FieldError::new(
                "end",
                format!("an event lasts at most {MAX_DAYS} days"),
            ));
        }
        let place = text::optional("place", self.place.as_deref(), 2048, false)?;
        let summary = text::optional("summary", self.summary.as_deref(), SUMMARY_MAX, true)?;
        let url = |field: &str, value: Option<&str>| -> Result<Option<String>, FieldError> {
            Ok(HttpUrl::typed_optional(field, value)?.map(|u| u.to_string()))
        };
        let booking_url = url("booking_url", self.booking_url.as_deref())?;
        let online_url = url("online_url", self.online_url.as_deref())?;
        Ok(EventDraft {
            name,
            start,
            end,
            place,
            summary,
            booking_url,
            online_url,
        })
    }
}

const WEEKDAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS_FR: [&str; 12] = [
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

/// A day as people write it: `2 décembre 2026`, `1er mars 2027` (`fr`) or `2 December 2026`
/// (any other language). Pages show every date this way (issue 12).
pub(crate) fn date_text(date: chrono::NaiveDate, lang: &str) -> String {
    use chrono::Datelike;
    if lang.starts_with("fr") {
        let day = date.day();
        let suffix = if day == 1 { "er" } else { "" };
        format!(
            "{day}{suffix} {} {}",
            MONTHS_FR[date.month0() as usize],
            date.year()
        )
    } else {
        date.format("%-d %B %Y").to_string()
    }
}

/// When an event takes place, in words, at the organiser's offset: `jeudi 10 décembre 2026,
/// 14:00–16:00` (`fr`) or `Thursday 10 December 2026, 14:00–16:00` (any other language); an
/// event over several days gives both dates.
pub(crate) fn when_text(
    start: &DateTime<FixedOffset>,
    end: &DateTime<FixedOffset>,
    lang: &str,
) -> String {
    use chrono::Datelike;
    let french = lang.starts_with("fr");
    let date = |t: &DateTime<FixedOffset>| {
        if french {
            let day = t.day();
            format!(
                "{} {}{} {} {}",
                WEEKDAYS_FR[t.weekday().num_days_from_monday() as usize],
                day,
                if day == 1 { "er" } else { "" },
                MONTHS_FR[t.month0() as usize],
                t.year()
            )
        } else {
            t.format("%A %-d %B %Y").to_string()
        }
    };
    let time = |t: &DateTime<FixedOffset>| t.format("%H:%M").to_string();
    if start.date_naive() == end.date_naive() {
        format!("{}, {}–{}", date(start), time(start), time(end))
    } else {
        format!(
            "{}, {} – {}, {}",
            date(start),
            time(start),
            date(end),
            time(end)
        )
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn days_read_in_each_language() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(date_text(day(2), "fr"), "2 décembre 2026");
        assert_eq!(date_text(day(1), "fr"), "1er décembre 2026");
        assert_eq!(date_text(day(2), "en"), "2 December 2026");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            name: "Atelier : premiers pas sur Nextcloud".into(),
            start: "2026-12-10T14:00:00+01:00".into(),
            end: "2026-12-10T16:00:00+01:00".into(),
            place: Some("abc".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_event_keeps_its_offset() {
        let draft = input().validate().unwrap();
        assert_eq!(draft.start.offset().local_minus_utc(), 3600);
        assert_eq!(format_time(&draft.start), "2026-12-10T14:00:00+01:00");
        assert_eq!(format_time(&draft.end), "2026-12-10T16:00:00+01:00");
    }

    #[test]
    fn times_read_in_french_and_english() {
        let draft = input().validate().unwrap();
        assert_eq!(
            when_text(&draft.start, &draft.end, "fr"),
            "jeudi 10 décembre 2026, 14:00–16:00"
        );
        assert_eq!(
            when_text(&draft.start, &draft.end, "en"),
            "Thursday 10 December 2026, 14:00–16:00"
        );
        let first = parse_time("start", "2027-01-01T09:30:00+01:00").unwrap();
        let next = parse_time("end", "2027-01-02T12:00:00+01:00").unwrap();
        assert_eq!(
            when_text(&first, &next, "fr"),
            "vendredi 1er janvier 2027, 09:30 – samedi 2 janvier 2027, 12:00"
        );
    }

    #[test]
    fn refusals_name_their_field() {
        let field = |f: &dyn Fn(&mut EventInput)| {
            let mut i = input();
            f(&mut i);
            i.validate().unwrap_err().field
        };
        assert_eq!(field(&|i| i.name = " ".into()), "name");
        assert_eq!(field(&|i| i.name = "x".repeat(NAME_MAX + 1)), "name");
        // No offset: which 14:00 is meant is unknown.
        assert_eq!(field(&|i| i.start = "2026-12-10T14:00:00".into()), "start");
        assert_eq!(field(&|i| i.start = "10/12/2026 14h".into()), "start");
        assert_eq!(
            field(&|i| i.end = "2026-12-10T13:59:00+01:00".into()),
            "end"
        );
        // The same instant written with another offset is not after the start either.
        assert_eq!(field(&|i| i.end = "2026-12-10T13:00:00Z".into()), "end");
        assert_eq!(field(&|i| i.end = "2027-02-10T13:00:00Z".into()), "end");
        assert_eq!(
            field(&|i| i.booking_url = Some("javascript:alert(1)".into())),
            "booking_url"
        );
        assert_eq!(field(&|i| i.place = None), "place");
        let mut online = input();
        online.place = None;
        online.online_url = Some("https://visio.example/atelier".into());
        assert!(online.validate().is_ok());
    }
}
