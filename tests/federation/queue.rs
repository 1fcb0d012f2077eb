//! The delivery queue's life over days, with the clock moved in the database instead of
//! waited for: a host failing for three days is unavailable (tried once a day), a delivery
//! pending for fourteen is given up, finished deliveries are pruned after a week, a final
//! 4xx is not retried; operators list and purge hosts; metrics by host, public or not.

use chrono::TimeDelta;
use diesel::prelude::*;
use maillage::storage::schema::{deliveries, delivery_hosts};
use reqwest::StatusCode;
use serde_json::json;

use crate::faulty::{FaultyPeer, Mode, delivery_states, publish, retry_host};
use crate::helpers::{ADMIN_TOKEN, Backend, NodeSpec, TestNode, TestNodes, eventually};
use crate::on_both_backends;

/// Runs `f` on the node's database (to move its clock back).
async fn in_database<F>(node: &TestNode, f: F)
where
    F: FnOnce(&mut maillage::storage::Conn) -> Result<usize, maillage::storage::StorageError>
        + Send
        + 'static,
{
    let db = maillage::startup::open_database(&node.settings)
        .await
        .unwrap();
    db.write(f).await.unwrap();
}

async fn retry_now(node: &TestNode, peer: &FaultyPeer) {
    retry_host(node, &peer.host()).await;
}

/// A peer down, with one delivery (of recommendation `n`) waiting after a first failure.
async fn failing_peer(a: &TestNode, n: usize) -> FaultyPeer {
    let mut peer = FaultyPeer::start().await;
    peer.follow(a).await;
    peer.go_down();
    publish(a, n).await;
    eventually("a first failure", || async {
        let h = peer.queue_row(a).await.unwrap();
        (h["failures"] == 1 && h["pending"] == 1).then_some(())
    })
    .await;
    peer
}

/// Failing for two days: still available; for four: unavailable; unavailable, tried again a
/// day later (24 h ± 20 %), not after the usual backoff. The host is made due by moving its
/// clock in the database (the operator's retry would also revive it).
async fn unavailable_after_three_days(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = failing_peer(&a, 1).await;
    for (days, failures, unavailable) in [(2, 2, false), (4, 3, true), (5, 4, true)] {
        let h = peer.host();
        in_database(&a, move |conn| {
            let now = maillage::storage::now();
            diesel::update(delivery_hosts::table.find(&h))
                .set((
                    delivery_hosts::failing_since.eq(now - TimeDelta::days(days)),
                    delivery_hosts::next_attempt_at.eq(now),
                ))
                .execute(conn)?;
            Ok(
                diesel::update(deliveries::table.filter(deliveries::host.eq(&h)))
                    .set(deliveries::next_attempt_at.eq(now))
                    .execute(conn)?,
            )
        })
        .await;
        let status = eventually("the next failure recorded", || async {
            let h = peer.queue_row(&a).await.unwrap();
            (h["failures"] == failures).then_some(h)
        })
        .await;
        assert_eq!(
            status["unavailable"], unavailable,
            "failing for {days} days: {status}"
        );
        let time = |field: &str| {
            chrono::DateTime::parse_from_rfc3339(status[field].as_str().unwrap()).unwrap()
        };
        let wait = time("next_attempt") - time("last_failure");
        if failures == 4 {
            // It was unavailable when it failed again: tried once a day now.
            assert!(wait >= TimeDelta::hours(19), "{wait}: {status}");
        } else {
            assert!(wait < TimeDelta::hours(1), "{wait}: {status}");
        }
    }
}
on_both_backends!(
    a_host_failing_for_three_days_is_unavailable,
    unavailable_after_three_days
);

/// A delivery pending for thirteen days is tried again; for fifteen, it is given up.
async fn expiry_after_fourteen_days(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = failing_peer(&a, 1).await;
    for (days, failures, pending) in [(13, 2, 1), (15, 3, 0)] {
        in_database(&a, move |conn| {
            let made = maillage::storage::now() - TimeDelta::days(days);
            Ok(
                diesel::update(deliveries::table.filter(deliveries::state.eq("pending")))
                    .set(deliveries::created_at.eq(made))
                    .execute(conn)?,
            )
        })
        .await;
        retry_now(&a, &peer).await;
        let status = eventually("the next failure recorded", || async {
            let h = peer.queue_row(&a).await.unwrap();
            (h["failures"] == failures).then_some(h)
        })
        .await;
        assert_eq!(
            status["pending"], pending,
            "pending for {days} days: {status}"
        );
    }
    assert_eq!(delivery_states(&a).await.get("expired"), Some(&1));
}
on_both_backends!(
    a_delivery_pending_for_fourteen_days_expires,
    expiry_after_fourteen_days
);

/// Finished deliveries older than a week are pruned (when the workers start, then hourly);
/// newer ones are kept.
async fn pruning_after_a_week(backend: Backend) {
    let [mut a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    let (first, second) = (publish(&a, 1).await, publish(&a, 2).await);
    eventually("both delivered", || async {
        let got = peer.created();
        (got.contains(&first) && got.contains(&second)).then_some(())
    })
    .await;
    eventually("the queue empty", || async {
        (peer.queue_row(&a).await.unwrap()["pending"] == 0).then_some(())
    })
    .await;
    let delivered = delivery_states(&a).await["delivered"];
    assert!(delivered >= 3, "the Accept and two Creates: {delivered}");
    // All but the newest finished delivery are eight days old; the newest, six.
    in_database(&a, |conn| {
        let now = maillage::storage::now();
        let newest: i64 = deliveries::table
            .select(diesel::dsl::max(deliveries::id))
            .first::<Option<i64>>(conn)?
            .unwrap();
        diesel::update(deliveries::table.filter(deliveries::id.ne(newest)))
            .set(deliveries::created_at.eq(now - TimeDelta::days(8)))
            .execute(conn)?;
        Ok(diesel::update(deliveries::table.find(newest))
            .set(deliveries::created_at.eq(now - TimeDelta::days(6)))
            .execute(conn)?)
    })
    .await;
    a.restart().await;
    eventually("the old deliveries pruned", || async {
        (delivery_states(&a).await.values().sum::<i64>() == 1).then_some(())
    })
    .await;
    assert_eq!(delivery_states(&a).await.get("delivered"), Some(&1));
}
on_both_backends!(
    finished_deliveries_are_pruned_after_a_week,
    pruning_after_a_week
);

/// A final refusal (403) is not retried, and is no failure of the host.
async fn final_refusal(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::Refuse);
    let id = publish(&a, 1).await;
    eventually("the delivery refused", || async {
        (delivery_states(&a).await.get("rejected") == Some(&1)).then_some(())
    })
    .await;
    let status = peer.queue_row(&a).await.unwrap();
    assert_eq!(status["pending"], 0, "{status}");
    assert_eq!(status["failures"], 0, "{status}");
    assert_eq!(peer.created_arrived(), vec![id], "sent once");
}
on_both_backends!(a_final_4xx_is_not_retried, final_refusal);

/// Operators list the queue by host and purge a host's waiting deliveries, through the API
/// and the command line.
async fn purge_and_list(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = failing_peer(&a, 1).await;
    publish(&a, 2).await;
    let status = eventually("two deliveries waiting", || async {
        let h = peer.queue_row(&a).await.unwrap();
        (h["pending"] == 2).then_some(h)
    })
    .await;
    assert!(status["last_error"].is_string(), "{status}");
    let out = a.command().args(["queue", "list"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    let row = listed
        .lines()
        .find(|l| l.starts_with(&format!("{}\t", peer.host())))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(row.starts_with(&format!("{}\t2\t", peer.host())), "{row}");
    let res = a
        .post(
            &format!("/api/v1/delivery/{}/purge", peer.host()),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["purged"], 2);
    assert_eq!(peer.queue_row(&a).await.unwrap()["pending"], 0);
    assert_eq!(delivery_states(&a).await.get("expired"), Some(&2));
}
on_both_backends!(operators_list_and_purge_the_queue, purge_and_list);

async fn metrics(node: &TestNode, token: Option<&str>) -> (StatusCode, String) {
    let mut req = node.client.get(node.url("/metrics"));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Metrics by destination host; behind the admin token unless `http.metrics_public`.
async fn metrics_by_host(backend: Backend) {
    let [a, open] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("loire"),
            NodeSpec::centre("ouvert").with(|s| s.http.metrics_public = true),
        ],
    )
    .await;
    assert_eq!(metrics(&a, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        metrics(&a, Some("not-the-token")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = metrics(&open, None).await;
    assert_eq!(status, StatusCode::OK);

    let up = FaultyPeer::start().await;
    up.follow(&a).await;
    let id = publish(&a, 1).await;
    eventually("delivered to the host that is up, and recorded", || async {
        let row = up.queue_row(&a).await?;
        (up.created().contains(&id) && row["last_success"].is_string()).then_some(())
    })
    .await;
    let down = failing_peer(&a, 2).await;
    let (status, text) = metrics(&a, Some(ADMIN_TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    let sample = |name: &str, peer: &FaultyPeer| {
        let prefix = format!("maillage_{name}{{host=\"{}\"}} ", peer.host());
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {prefix} in:\n{text}"))
            .to_owned()
    };
    assert_eq!(sample("delivery_queue_depth", &down), "1");
    assert_eq!(sample("delivery_host_failures", &down), "1");
    assert_eq!(sample("delivery_host_unavailable", &down), "0");
    assert_eq!(sample("delivery_queue_depth", &up), "0");
    assert_eq!(sample("delivery_host_failures", &up), "0");
    let last_success: f64 = sample("delivery_host_last_success_timestamp_seconds", &up)
        .parse()
        .unwrap();
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(now - last_success < 3600.0, "{last_success} vs now {now}");
}
on_both_backends!(
    metrics_by_host_behind_the_token_unless_public,
    metrics_by_host
);
