//! The shared taxonomy of categories, built in so that every node files a recommendation under
//! the same ids (`files`, `videoconf`, `team-chat`...). Labels are in French and English.

use serde::Serialize;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub id: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

/// The 32 categories of the sample directory, in its order, then three that the starter
/// catalogue (`catalogue/starter.json`) needs for tools people ask about every day: web
/// browsers, operating systems and app stores, audio and video editing.
pub const CATEGORIES: &[Category] = &[
    Category {
        id: "files",
        fr: "Stockage et partage de fichiers",
        en: "File storage & sharing",
    },
    Category {
        id: "video",
        fr: "Hébergement et diffusion vidéo",
        en: "Video hosting",
    },
    Category {
        id: "events",
        fr: "Événements et groupes",
        en: "Events & groups",
    },
    Category {
        id: "videoconf",
        fr: "Visioconférence",
        en: "Video conferencing",
    },
    Category {
        id: "scheduling",
        fr: "Sondages de dates et rendez-vous",
        en: "Scheduling polls",
    },
    Category {
        id: "decision",
        fr: "Prise de décision collective",
        en: "Collective decision-making",
    },
    Category {
        id: "team-chat",
        fr: "Messagerie d'équipe",
        en: "Team chat",
    },
    Category {
        id: "messaging",
        fr: "Messagerie instantanée",
        en: "Instant messaging",
    },
    Category {
        id: "crm-erp",
        fr: "Relation adhérents/clients, gestion (CRM/ERP)",
        en: "CRM / ERP",
    },
    Category {
        id: "assoc-accounting",
        fr: "Gestion associative et comptabilité",
        en: "Non-profit management & accounting",
    },
    Category {
        id: "elearning",
        fr: "Formation en ligne",
        en: "E-learning",
    },
    Category {
        id: "participation",
        fr: "Participation citoyenne",
        en: "Civic participation",
    },
    Category {
        id: "office",
        fr: "Bureautique collaborative",
        en: "Collaborative office",
    },
    Category {
        id: "tables",
        fr: "Tableurs et bases de données",
        en: "Spreadsheets & databases",
    },
    Category {
        id: "forms",
        fr: "Formulaires et enquêtes",
        en: "Forms & surveys",
    },
    Category {
        id: "project",
        fr: "Gestion de projets et de tâches",
        en: "Project & task management",
    },
    Category {
        id: "analytics",
        fr: "Mesure d'audience",
        en: "Web analytics",
    },
    Category {
        id: "mailing",
        fr: "Listes de diffusion et infolettres",
        en: "Mailing lists & newsletters",
    },
    Category {
        id: "maps",
        fr: "Cartographie",
        en: "Maps",
    },
    Category {
        id: "social",
        fr: "Réseaux sociaux",
        en: "Social networks",
    },
    Category {
        id: "web",
        fr: "Sites web et blogs",
        en: "Websites & blogs",
    },
    Category {
        id: "code",
        fr: "Forge logicielle",
        en: "Code hosting",
    },
    Category {
        id: "utilities",
        fr: "Petits utilitaires (transfert, liens, notes)",
        en: "Small utilities",
    },
    Category {
        id: "media",
        fr: "Médias à la demande",
        en: "Media streaming",
    },
    Category {
        id: "security",
        fr: "Mots de passe et sécurité",
        en: "Passwords & security",
    },
    Category {
        id: "knowledge",
        fr: "Wiki, documentation, notes",
        en: "Wiki, docs & notes",
    },
    Category {
        id: "photos",
        fr: "Photos",
        en: "Photos",
    },
    Category {
        id: "search",
        fr: "Recherche web",
        en: "Web search",
    },
    Category {
        id: "email",
        fr: "Courriel",
        en: "Email",
    },
    Category {
        id: "design",
        fr: "Conception graphique",
        en: "Design",
    },
    Category {
        id: "helpdesk",
        fr: "Support et tickets",
        en: "Helpdesk",
    },
    Category {
        id: "time",
        fr: "Suivi du temps",
        en: "Time tracking",
    },
    Category {
        id: "browser",
        fr: "Navigateurs web",
        en: "Web browsers",
    },
    Category {
        id: "system",
        fr: "Systèmes d'exploitation",
        en: "Operating systems",
    },
    Category {
        id: "media-editing",
        fr: "Montage audio et vidéo",
        en: "Audio & video editing",
    },
];

impl Category {
    pub fn find(id: &str) -> Option<&'static Category> {
        CATEGORIES.iter().find(|c| c.id == id)
    }

    /// Parses a category id given by a user or a peer. Ids are case-insensitive on input.
    pub(crate) fn parse(field: &str, value: &str) -> Result<&'static Category, FieldError> {
        let id = value.trim().to_lowercase();
        if id.is_empty() {
            return Err(FieldError::coded(
                field,
                "choose",
                "must be chosen (see GET /api/v1/categories)",
                &[],
            ));
        }
        Self::find(&id).ok_or_else(|| {
            FieldError::coded(
                field,
                "category",
                format!(
                    "`{}` is not a known category (see GET /api/v1/categories)",
                    value.trim()
                ),
                &[("value", &value.trim())],
            )
        })
    }

    pub(crate) fn label(&self, language: &str) -> &'static str {
        if language.starts_with("en") {
            self.en
        } else {
            self.fr
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_has_35_unique_ids() {
        assert_eq!(CATEGORIES.len(), 35);
        let mut ids: Vec<_> = CATEGORIES.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 35);
    }

    #[test]
    fn parse_is_case_insensitive_and_names_the_field() {
        assert_eq!(Category::parse("category", " Files ").unwrap().id, "files");
        assert_eq!(
            Category::parse("category", "videoconf").unwrap().en,
            "Video conferencing"
        );
        let err = Category::parse("category", "spaceships").unwrap_err();
        assert_eq!(err.field, "category");
        assert!(err.reason.contains("spaceships"));
    }
}
