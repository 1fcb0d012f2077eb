//! Real documents published by other fediverse servers (`tests/fixtures/fediverse/`, with
//! their sources in its README): each one is parsed, and every activity is either handled
//! (and then parses into what the inbox applies) or ignored on purpose — never an error.

use std::path::{Path, PathBuf};

use maillage::federation::activities::InboxActivity;
use maillage::federation::inbox::{Triage, triage};
use maillage::federation::protocol::actor::Actor;
use maillage::federation::protocol::collections::{OrderedCollection, OrderedCollectionPage};
use serde_json::Value;

fn fixtures() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fediverse");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|dir| std::fs::read_dir(dir.unwrap().path()).into_iter().flatten())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            let value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, value)
        })
        .collect()
}

fn kind_of(name: &str) -> &str {
    name.rsplit('/').next().unwrap().split('-').next().unwrap()
}

#[test]
fn every_actor_parses() {
    let mut parsed = 0;
    for (name, value) in fixtures()
        .into_iter()
        .filter(|(n, _)| kind_of(n) == "actor")
    {
        let actor: Actor = serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!actor.preferred_username.is_empty(), "{name}");
        assert!(
            actor.directory.is_none(),
            "{name} is no Maillage directory centre"
        );
        parsed += 1;
    }
    assert!(parsed >= 19, "{parsed} actors");
}

#[test]
fn every_activity_is_handled_or_ignored_on_purpose() {
    let activity_kinds = [
        "follow", "accept", "reject", "undo", "create", "update", "delete", "announce", "like",
    ];
    let mut handled = Vec::new();
    let mut ignored = Vec::new();
    for (name, value) in fixtures() {
        if !activity_kinds.contains(&kind_of(&name)) {
            continue;
        }
        match triage(&value) {
            Triage::Handle => {
                serde_json::from_value::<InboxActivity>(value)
                    .unwrap_or_else(|e| panic!("{name} is handled but does not parse: {e}"));
                handled.push(name);
            }
            Triage::Ignore(why) => ignored.push(format!("{name}: {why}")),
        }
    }
    // Follows, answers to follows, undos, deletes and announces are handled, and so are
    // Creates of Notes that mention someone (a message to one of our centres becomes a help
    // request; one to anyone else is dropped on receipt); Creates and Updates of other posts
    // that are not directory entries, Likes and account deletions are not.
    for expected in [
        "mastodon/follow-asonix.json",
        "mastodon/accept-follow-embedded.json",
        "mastodon/reject-follow-embedded.json",
        "mastodon/undo-follow-asonix.json",
        "mastodon/announce-kb-usbharu.json",
        "mastodon/delete-tombstone-madrid.json",
        "mitra/accept-follow-id-only.json",
        "misskey/undo-follow.json",
        "gotosocial/delete-bare-id.json",
        "mastodon/create-note-madrid.json",
        "misskey/create-note.json",
    ] {
        assert!(
            handled.iter().any(|h| h == expected),
            "{expected} not handled; ignored: {ignored:#?}"
        );
    }
    for expected in [
        "pixelfed/create-note-location.json",
        "mastodon/like-madrid.json",
        "mastodon/delete-actor-framapiaf.json",
        "mobilizon/create-event.json",
        "friendica/update-note.json",
    ] {
        assert!(
            ignored.iter().any(|i| i.starts_with(expected)),
            "{expected} not ignored"
        );
    }
}

#[test]
fn collections_parse() {
    for (name, value) in fixtures() {
        let file = name.rsplit('/').next().unwrap();
        if file.starts_with("outbox-collection") || file.starts_with("followers-collection") {
            serde_json::from_value::<OrderedCollection>(value)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if file.starts_with("outbox-page") {
            let page: OrderedCollectionPage =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!page.ordered_items.is_empty(), "{name}");
        }
    }
}
