//! Human labels on the pages (issue 12): a region's name rather than its ISO code, and a
//! licence by its usual name with what it means for a visitor (libre, copyleft or permissive)
//! rather than an SPDX expression, which stays available to whoever wants it.

use crate::domain::licence::describe;
use crate::domain::region;

use super::frame::Frame;

/// A licence as a page shows it.
pub(crate) struct LicenceLabel {
    /// Every licence by name: "GNU GPL v2 et GNU AGPL v3 ou ultérieure".
    pub names: String,
    /// At most two names and how many more, for cards: "GNU GPL v2, GNU GPL v3 et 2 autres".
    pub short: String,
    /// What it means for a visitor, when known.
    pub meaning: Option<String>,
    /// The stored SPDX expression.
    pub spdx: String,
}

impl LicenceLabel {
    /// Whether the names say something the SPDX expression does not (it then goes in details).
    pub(crate) fn renamed(&self) -> bool {
        self.names != self.spdx
    }
}

impl Frame {
    /// "Auvergne-Rhône-Alpes" for `FR-ARA`; a code the directory does not know, as written.
    pub(crate) fn region(&self, code: &str) -> String {
        region::name(code, self.lang() == "en")
            .map(str::to_owned)
            .unwrap_or_else(|| code.to_owned())
    }

    pub(crate) fn licence(&self, expression: &str) -> LicenceLabel {
        let Some(d) = describe(expression) else {
            return LicenceLabel {
                names: expression.to_owned(),
                short: expression.to_owned(),
                meaning: None,
                spdx: expression.to_owned(),
            };
        };
        let names: Vec<String> = d
            .names
            .iter()
            .map(|(name, later)| {
                if *later {
                    self.t1("licence-or-later", "name", name)
                } else {
                    name.clone()
                }
            })
            .collect();
        let join = if d.any_of {
            "licence-or"
        } else {
            "licence-and"
        };
        let joined = |names: &[String]| match names {
            [] => String::new(),
            [one] => one.clone(),
            [head @ .., last] => self
                .tr
                .with_args(join, &[("first", head.join(", ")), ("last", last.clone())])
                .unwrap_or_else(|| names.join(", ")),
        };
        let short = if names.len() > 3 {
            let more = i64::try_from(names.len() - 2).unwrap_or(i64::MAX);
            let rest = self.count("licence-more", more);
            joined(&[names[..2].join(", "), rest])
        } else {
            joined(&names)
        };
        let meaning = match (d.libre, d.copyleft) {
            (true, true) => "licence-libre-copyleft",
            (true, false) => "licence-libre-permissive",
            (false, _) => "licence-not-libre",
        };
        LicenceLabel {
            names: joined(&names),
            short,
            meaning: Some(self.t(meaning)),
            spdx: expression.to_owned(),
        }
    }
}
