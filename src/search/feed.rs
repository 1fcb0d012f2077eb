//! Reading the change feed: which documents a batch of changes touches, and how far the
//! watermark may move.
//!
//! On PostgreSQL two transactions can commit their seqs out of order: 11 can be visible while
//! 10 is still being written. Moving the watermark to 11 would skip 10 forever, so it only moves
//! over a gap once the change after the gap is older than [`GAP_GRACE`] (by then the gap is a
//! rolled-back transaction). Changes after a gap are applied anyway, and again once the gap
//! closes: applying a change twice reloads the same rows, which changes nothing.

use std::collections::BTreeSet;

use chrono::{NaiveDateTime, TimeDelta};

use crate::storage::search::{CENTRE, CENTRE_ENTRIES, CONTACT, Change, RECOMMENDATION, SOFTWARE};

/// How long a gap in the seqs may be waited for.
pub(super) const GAP_GRACE: TimeDelta = TimeDelta::seconds(60);

/// The rows whose documents must be rebuilt, by table.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Affected {
    pub recommendations: BTreeSet<i64>,
    pub contacts: BTreeSet<i64>,
    pub software: BTreeSet<i64>,
    /// Centres whose own document changed.
    pub centres: BTreeSet<i64>,
    /// Centres whose entries are to be filed again (their actor id changed).
    pub centre_entries: BTreeSet<i64>,
}

impl Affected {
    pub(super) fn of(changes: &[Change]) -> Self {
        let mut out = Self::default();
        for change in changes {
            // Keys are ids written by the triggers; anything else is not ours to index.
            let Ok(id) = change.key.parse::<i64>() else {
                continue;
            };
            let set = match change.kind.as_str() {
                RECOMMENDATION => &mut out.recommendations,
                CONTACT => &mut out.contacts,
                SOFTWARE => &mut out.software,
                CENTRE => &mut out.centres,
                CENTRE_ENTRIES => &mut out.centre_entries,
                _ => continue,
            };
            set.insert(id);
        }
        out
    }
}

/// The new watermark after applying `changes` (seq order) over `watermark`: the last seq
/// before the first gap that is still young.
pub(super) fn advance(watermark: i64, changes: &[Change], now: NaiveDateTime) -> i64 {
    let mut mark = watermark;
    for change in changes {
        let contiguous = change.seq == mark + 1;
        let gap_is_old = now - change.changed_at > GAP_GRACE;
        if change.seq <= mark {
            continue;
        }
        if !(contiguous || gap_is_old) {
            break;
        }
        mark = change.seq;
    }
    mark
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: i64, kind: &str, key: &str, age_seconds: i64, now: NaiveDateTime) -> Change {
        Change {
            seq,
            kind: kind.into(),
            key: key.into(),
            changed_at: now - TimeDelta::seconds(age_seconds),
        }
    }

    #[test]
    fn changes_are_grouped_by_table() {
        let now = chrono::Utc::now().naive_utc();
        let changes = [
            change(1, "recommendation", "3", 0, now),
            change(2, "software", "7", 0, now),
            change(3, "recommendation", "3", 0, now),
            change(4, "centre", "1", 0, now),
            change(5, "contact", "9", 0, now),
            change(6, "unknown", "1", 0, now),
            change(7, "contact", "not a number", 0, now),
            change(8, "centre_entries", "2", 0, now),
        ];
        let affected = Affected::of(&changes);
        assert_eq!(affected.recommendations, BTreeSet::from([3]));
        assert_eq!(affected.software, BTreeSet::from([7]));
        assert_eq!(affected.centres, BTreeSet::from([1]));
        assert_eq!(affected.centre_entries, BTreeSet::from([2]));
        assert_eq!(affected.contacts, BTreeSet::from([9]));
    }

    #[test]
    fn the_watermark_waits_at_a_young_gap_and_passes_an_old_one() {
        let now = chrono::Utc::now().naive_utc();
        let young = [
            change(5, "contact", "1", 0, now),
            change(7, "contact", "2", 1, now),
        ];
        assert_eq!(advance(4, &young, now), 5);
        let old = [
            change(5, "contact", "1", 120, now),
            change(7, "contact", "2", 120, now),
            change(8, "contact", "3", 0, now),
        ];
        assert_eq!(advance(4, &old, now), 8);
        assert_eq!(advance(4, &[], now), 4);
    }
}
