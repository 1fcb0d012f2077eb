//! A national network of centres, in simulation (issue 17): what it costs to keep a directory
//! of N centres with E entries each in step, for three ways of wiring them, from the unit costs
//! measured on real nodes in the same run (the [`Calibration`]).
//!
//! It is a model, not N nodes run at once: each wiring is reduced to who sends what to whom,
//! and times are the measured per-host delivery time multiplied along the busiest path. What
//! the model leaves out is said where it matters (see docs/scaling.md).

use std::fmt::Write as _;
use std::time::Duration;

/// Unit costs measured on real nodes in the same run.
#[derive(Debug, Clone, Copy)]
pub struct Calibration {
    /// Wall time a sending node needs per destination host when it fans one activity out
    /// (measured: one post to followers on many hosts, divided by the hosts).
    pub per_host: Duration,
    /// Bytes of one delivery: body and headers, as received.
    pub delivery_bytes: f64,
    /// One RSA-2048 signature (CPU).
    pub sign: Duration,
    /// Disk taken by one received entry on the follower (database and search index).
    pub stored_bytes: f64,
    /// Bytes of outbox read per entry during a backfill.
    pub outbox_bytes: f64,
    /// Entries per second a follower backfills from one outbox.
    pub backfill_rate: f64,
}

/// How the centres are wired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wiring {
    /// One node per centre; every centre follows every other.
    Mesh,
    /// Every centre a member of one national network (a `Group` on a hub node), which
    /// re-announces each member's activities to its followers; every centre follows it.
    National,
    /// Centres are members of their regional network (`region` centres each); the regional
    /// networks are members of one national network; every centre follows the national one.
    /// A member also receives its region's re-announce (a duplicate, dropped on arrival).
    Regions { region: u64 },
}

/// What one wiring costs for `centres` centres of `entries` entries each.
#[derive(Debug, Clone)]
pub struct Costs {
    /// Follow relations to set up (and keep).
    pub follows: u64,
    /// One edit of one entry: deliveries (one per receiving host), bytes on the wire,
    /// requests the editing centre's node sends, hops to the farthest node, and the time until
    /// every node has it.
    pub edit_deliveries: u64,
    pub edit_bytes: f64,
    pub edit_origin_requests: u64,
    pub edit_hops: u32,
    pub edit_converge: Duration,
    /// Copies that arrive twice and are dropped (regional re-announces).
    pub edit_duplicates: u64,
    /// Every centre edits one entry: deliveries the busiest node sends, and its time.
    pub round_busiest_sends: u64,
    pub round_busiest_time: Duration,
    /// A new centre joins: follows it makes, outboxes it reads, entries and bytes it fetches,
    /// and how long its backfill takes.
    pub join_follows: u64,
    pub join_outboxes: u64,
    pub join_entries: u64,
    pub join_bytes: f64,
    pub join_time: Duration,
    /// Storage on each node holding the whole directory.
    pub stored_per_node: f64,
}

pub fn costs(wiring: Wiring, centres: u64, entries: u64, c: &Calibration) -> Costs {
    let n = centres;
    let others = n.saturating_sub(1);
    let per_host = |hosts: u64| c.per_host.mul_f64(hosts as f64);
    let (follows, deliveries, origin, hops, converge, duplicates, busiest) = match wiring {
        Wiring::Mesh => (
            n * others,
            others,
            others,
            1,
            per_host(others),
            0,
            // Each node sends its own edit to the others, all nodes at once.
            others,
        ),
        Wiring::National => (
            n,
            1 + others,
            1,
            2,
            per_host(1) + per_host(others),
            0,
            // The hub re-announces every centre's edit to every other centre.
            n * others,
        ),
        Wiring::Regions { region } => {
            let region = region.clamp(1, n.max(1));
            let regions = n.div_ceil(region);
            // origin -> region; region -> its other members and the national network;
            // national -> every centre but the origin.
            let region_sends = (region - 1) + 1;
            (
                n + regions + n,
                1 + region_sends + others,
                1,
                3,
                per_host(1) + per_host(region_sends) + per_host(others),
                region - 1,
                n * others,
            )
        }
    };
    let directory = n * entries;
    let join_entries = others * entries;
    let join_time = Duration::from_secs_f64(join_entries as f64 / c.backfill_rate.max(1.0));
    let (join_follows, join_outboxes) = match wiring {
        Wiring::Mesh => (others, others),
        Wiring::National => (1, 1),
        // Its region (membership) and the national network (to read everything).
        Wiring::Regions { .. } => (2, 1),
    };
    Costs {
        follows,
        edit_deliveries: deliveries,
        edit_bytes: deliveries as f64 * c.delivery_bytes,
        edit_origin_requests: origin,
        edit_hops: hops,
        edit_converge: converge,
        edit_duplicates: duplicates,
        round_busiest_sends: busiest,
        round_busiest_time: per_host(busiest),
        join_follows,
        join_outboxes,
        join_entries,
        join_bytes: join_entries as f64 * c.outbox_bytes,
        join_time,
        stored_per_node: directory as f64 * c.stored_bytes,
    }
}

pub fn name(wiring: Wiring) -> String {
    match wiring {
        Wiring::Mesh => "full mesh".into(),
        Wiring::National => "one national network".into(),
        Wiring::Regions { region } => format!("regions of {region} + national"),
    }
}

fn bytes(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

fn time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else if s >= 60.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{s:.2} s")
    }
}

/// The table for `centres`, one row per wiring (markdown, as docs/scaling.md quotes it).
pub fn table(centres: u64, entries: u64, c: &Calibration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| {centres} centres × {entries} entries | follows | one edit: deliveries (signatures), bytes, duplicates | sent by the editor | time to reach all | every centre edits once: busiest node | a new centre: follows, outboxes read, entries (bytes), time | stored per node |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for wiring in [
        Wiring::Mesh,
        Wiring::National,
        Wiring::Regions { region: 77 },
    ] {
        let k = costs(wiring, centres, entries, c);
        let _ = writeln!(
            out,
            "| {} | {} | {} ({}), {}, {} | {} | {} ({} hops) | {} sends, {} | {}, {}, {} ({}), {} | {} |",
            name(wiring),
            k.follows,
            k.edit_deliveries,
            k.edit_deliveries,
            bytes(k.edit_bytes),
            k.edit_duplicates,
            k.edit_origin_requests,
            time(k.edit_converge),
            k.edit_hops,
            k.round_busiest_sends,
            time(k.round_busiest_time),
            k.join_follows,
            k.join_outboxes,
            k.join_entries,
            bytes(k.join_bytes),
            time(k.join_time),
            bytes(k.stored_per_node),
        );
    }
    out
}

/// How the main costs grow with the number of centres (markdown).
pub fn growth(entries: u64, c: &Calibration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| centres | follows: mesh / network | edit reaches all: mesh / network | every centre edits once, busiest node: mesh / network | stored per node |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for n in [100, 250, 500, 1_000, 2_000] {
        let mesh = costs(Wiring::Mesh, n, entries, c);
        let net = costs(Wiring::National, n, entries, c);
        let _ = writeln!(
            out,
            "| {n} | {} / {} | {} / {} | {} / {} | {} |",
            mesh.follows,
            net.follows,
            time(mesh.edit_converge),
            time(net.edit_converge),
            time(mesh.round_busiest_time),
            time(net.round_busiest_time),
            bytes(mesh.stored_per_node),
        );
    }
    out
}
