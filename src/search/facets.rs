//! Counting facet values over every matching document, in the same pass that counts them.
//!
//! Counts are plain counts over the filtered result set: with `category=files` active, the
//! `category` facet shows `files` only. (Counting each facet as if its own filter were off,
//! to offer alternatives, would cost one more query per active filter.)

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// How many documents match, and how many hold each value of each facet field.
pub(super) struct FacetCounts {
    fields: Vec<&'static str>,
}

/// The total, then per facet field (in the order given): value -> count.
pub(super) type Counts = (u64, Vec<HashMap<String, u64>>);

impl FacetCounts {
    pub(super) fn new(fields: &[&'static str]) -> Self {
        Self {
            fields: fields.to_vec(),
        }
    }
}

pub(super) struct SegmentCounts {
    total: u64,
    columns: Vec<Option<StrColumn>>,
    /// Per field, a count per term ordinal of the segment's dictionary.
    counts: Vec<Vec<u64>>,
}

impl Collector for FacetCounts {
    type Fruit = Counts;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        let columns = self
            .fields
            .iter()
            .map(|field| reader.fast_fields().str(field))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = columns
            .iter()
            .map(|c| vec![0; c.as_ref().map_or(0, |c| c.num_terms())])
            .collect();
        Ok(SegmentCounts {
            total: 0,
            columns,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut total = 0;
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.fields.len()];
        for (segment_total, per_field) in fruits {
            total += segment_total;
            for (into, from) in merged.iter_mut().zip(per_field) {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok((total, merged))
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(count) = usize::try_from(ord).ok().and_then(|o| counts.get_mut(o)) {
                        *count += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let per_field = self
            .columns
            .iter()
            .zip(self.counts)
            .map(|(column, counts)| {
                let mut out = HashMap::new();
                let Some(column) = column else {
                    return out;
                };
                for (ord, count) in counts.into_iter().enumerate() {
                    let mut value = String::new();
                    if count > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        out.insert(value, count);
                    }
                }
                out
            })
            .collect();
        (self.total, per_field)
    }
}
