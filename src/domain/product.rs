//! Replaced products: the proprietary tools people want to leave ("Google Drive", "Zoom").
//!
//! People call the same product by several names ("Hangouts" is now "Google Meet", "Twitter" is
//! "X"). The aliases below map every known name to one canonical product, so that a search for
//! any of them finds the alternatives recommended for the product.

use super::text::fold;

/// A canonical product name and the other names people use for it.
struct Aliases {
    canonical: &'static str,
    others: &'static [&'static str],
}

const ALIASES: &[Aliases] = &[
    Aliases {
        canonical: "Google Meet",
        others: &[
            "Meet",
            "Hangouts",
            "Google Hangouts",
            "Google Hangouts/Meet",
            "Hangouts Meet",
        ],
    },
    Aliases {
        canonical: "X (Twitter)",
        others: &["X", "Twitter", "Twitter / X", "Twitter/X"],
    },
    Aliases {
        canonical: "Google Drive",
        others: &["GDrive", "Drive"],
    },
    Aliases {
        canonical: "Google Docs",
        others: &["GDocs"],
    },
    Aliases {
        canonical: "Google Forms",
        others: &["GForms"],
    },
    Aliases {
        canonical: "Microsoft Teams",
        others: &["Teams", "MS Teams", "Microsoft Teams (meetings)"],
    },
    Aliases {
        canonical: "Microsoft 365",
        others: &["Office 365", "Microsoft Office", "MS Office", "Office"],
    },
    Aliases {
        canonical: "Microsoft OneDrive",
        others: &["OneDrive"],
    },
    Aliases {
        canonical: "Facebook Messenger",
        others: &["Messenger"],
    },
    Aliases {
        canonical: "Google Maps",
        others: &["Google My Maps", "Google Maps (cartes personnalisées)"],
    },
    Aliases {
        canonical: "Gmail",
        others: &["Google Mail"],
    },
    Aliases {
        canonical: "Google Search",
        others: &["Google"],
    },
    Aliases {
        canonical: "Instagram",
        others: &["Insta"],
    },
    Aliases {
        canonical: "WhatsApp",
        others: &["Whats App"],
    },
    // Office suites, calendars, browsers, systems, design tools: the names people give the
    // everyday tools of the starter catalogue. Outlook.com stays its own product (a webmail).
    Aliases {
        canonical: "Microsoft Word",
        others: &["Word", "MS Word"],
    },
    Aliases {
        canonical: "Microsoft Excel",
        others: &["Excel", "MS Excel"],
    },
    Aliases {
        canonical: "Microsoft PowerPoint",
        others: &["PowerPoint", "Powerpoint", "PPT"],
    },
    Aliases {
        canonical: "Google Calendar",
        others: &["Google Agenda", "Agenda Google", "GCal"],
    },
    Aliases {
        canonical: "Google Sheets",
        others: &[
            "Google Spreadsheet",
            "Google Tableur",
            "Google Sheet",
            "GSheets",
        ],
    },
    Aliases {
        canonical: "Google Slides",
        others: &["Google Présentations"],
    },
    Aliases {
        canonical: "Google Translate",
        others: &["Google Traduction", "Google Traducteur"],
    },
    Aliases {
        canonical: "Google Chrome",
        others: &["Chrome"],
    },
    Aliases {
        canonical: "Microsoft Windows",
        others: &["Windows", "Windows 10", "Windows 11"],
    },
    Aliases {
        canonical: "Microsoft Outlook",
        others: &["Outlook"],
    },
    Aliases {
        canonical: "Facebook Groups",
        others: &["Groupes Facebook", "Facebook Group"],
    },
    Aliases {
        canonical: "Facebook Events",
        others: &["Événements Facebook", "Facebook Event"],
    },
    Aliases {
        canonical: "Facebook Pages",
        others: &["Pages Facebook", "Facebook Page"],
    },
    Aliases {
        canonical: "Bitly",
        others: &["Bit.ly"],
    },
    Aliases {
        canonical: "Adobe Photoshop",
        others: &["Photoshop"],
    },
    Aliases {
        canonical: "Adobe Illustrator",
        others: &["Illustrator"],
    },
    Aliases {
        canonical: "Adobe Premiere Pro",
        others: &["Premiere", "Adobe Premiere", "Premiere Pro"],
    },
    Aliases {
        canonical: "Adobe Acrobat",
        others: &[
            "Acrobat",
            "Acrobat Reader",
            "Adobe Reader",
            "Adobe Acrobat Reader",
        ],
    },
    Aliases {
        canonical: "Google Play Store",
        others: &["Google Play", "Play Store"],
    },
    Aliases {
        canonical: "iCloud Drive",
        others: &["iCloud"],
    },
    Aliases {
        canonical: "Microsoft Publisher",
        others: &["Publisher"],
    },
    Aliases {
        canonical: "Google Classroom",
        others: &["Classroom"],
    },
    Aliases {
        canonical: "Google Keep",
        others: &["Keep"],
    },
];

/// The canonical name of a product as written by a user: known aliases are mapped, anything
/// else is kept as written (trimmed), since the list of proprietary products is open.
pub fn canonical_name(name: &str) -> String {
    let key = fold(name);
    for entry in ALIASES {
        if fold(entry.canonical) == key || entry.others.iter().any(|o| fold(o) == key) {
            return entry.canonical.to_owned();
        }
    }
    name.trim().to_owned()
}

/// Every name a canonical product is known by, itself first.
pub fn known_names(canonical: &str) -> Vec<&str> {
    let mut names = vec![canonical];
    if let Some(entry) = ALIASES.iter().find(|e| e.canonical == canonical) {
        names.extend(entry.others.iter().copied());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_one_product() {
        assert_eq!(canonical_name("hangouts"), "Google Meet");
        assert_eq!(canonical_name("Google Hangouts/Meet"), "Google Meet");
        assert_eq!(canonical_name("twitter"), "X (Twitter)");
        assert_eq!(canonical_name("Twitter / X"), "X (Twitter)");
        assert_eq!(canonical_name(" Zoom "), "Zoom");
        assert!(known_names("X (Twitter)").contains(&"Twitter"));
        assert_eq!(known_names("Zoom"), vec!["Zoom"]);
        assert_eq!(canonical_name("excel"), "Microsoft Excel");
        assert_eq!(canonical_name("Google Agenda"), "Google Calendar");
        assert_eq!(canonical_name("bit.ly"), "Bitly");
        assert_eq!(canonical_name("Outlook.com"), "Outlook.com");
    }
}
