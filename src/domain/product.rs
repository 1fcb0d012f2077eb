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
    }
}
