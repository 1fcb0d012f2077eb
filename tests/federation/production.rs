//! Federation in production mode (`NodeSpec::production()`, `tests/api/production.rs`): nodes
//! with `federation.insecure` off, https ids without a port, behind TLS terminators on
//! `nN.maillage.test:443`; the ActivityPub library out of its debug mode (no explicit ports,
//! https WebFinger, actors refetched after a day); the node's egress rules in force. What the
//! insecure local mode of the other files would hide.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, NodeSpec, TestNodes, listing, production_missing};
use crate::network::{actor, eventually, find, follow, public_search, staff_search};
use crate::on_both_backends;

async fn publish_edit_delete(backend: Backend) {
    if production_missing().await {
        return;
    }
    crate::scenarios::publish_edit_delete_in(backend, true).await;
}
on_both_backends!(follow_backfill_publish_edit_delete, publish_edit_delete);
