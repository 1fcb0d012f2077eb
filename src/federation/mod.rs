//! ActivityPub. The only module that names activitypub_federation.
//!
//! | file            | owns                                                              |
//! |-----------------|-------------------------------------------------------------------|
//! | `protocol/`     | the JSON on the wire of actors, notes and collections              |
//! | `objects/`      | our rows as ActivityPub objects: to JSON, from JSON               |
//! | `activities/`   | one file per activity: its wire struct, how it is sent, how it is received |
//! | `checks.rs`     | origin and policy checks, for the inbox, objects and backfill     |
//! | `audience.rs`   | who a centre's publications reach (which followers' inboxes)       |
//! | `publish.rs`    | what a local change sends, to whom (in the change's transaction)   |
//! | `delivery/`     | the persistent delivery queue (`queue.rs`) and its workers         |
//! | `inbox.rs`      | the inbox: body cap, signature, date window, blocks, dedup        |
//! | `rfc9421.rs`    | RFC 9421 signatures on the inbox: the signature base and the rules |
//! | `cavage.rs`     | draft-cavage signatures on the inbox: read, then checked off the workers |
//! | `keys.rs`       | actor key pairs; the RSA check of a signature (aws-lc-rs)          |
//! | `routes.rs`     | WebFinger, NodeInfo, actors, inboxes, objects at their ids         |
//! | `collections.rs`| a centre's ActivityPub outbox, followers and following collections |
//! | `backfill.rs`   | paging a followed centre's outbox once                            |
//! | `client.rs`     | the HTTP client: private addresses refused at connect time        |
//! | `egress.rs`     | whether a URL may be contacted: the one decision for every request |
//! | `throttle.rs`   | per-host rate limits on the inbox and on fetches                   |
//!
//! Handlers apply the directory's rules (dedup, ordering, tombstones, moderation) and write
//! through `storage`; `federation` never calls `directory`.

pub mod activities;
pub(crate) mod audience;
pub(crate) mod backfill;
pub(crate) mod cavage;
pub(crate) mod checks;
mod client;
pub mod collections;
pub(crate) mod delivery;
pub(crate) mod egress;
mod error;
pub(crate) mod groups;
pub(crate) mod history;
pub mod inbox;
pub mod keys;
pub(crate) mod objects;
pub mod protocol;
pub(crate) mod publish;
pub(crate) mod relays;
pub(crate) mod rfc9421;
pub(crate) mod routes;
pub(crate) mod throttle;

use std::time::Duration;

use activitypub_federation::config::{Data, FederationConfig};
use url::Url;

pub use error::FederationError;

use crate::domain::urls::NodeUrls;
use crate::storage::{Database, StorageError};

/// Federation policy, from the configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    /// http ids and loopback peers allowed (local tests and demos).
    pub insecure: bool,
    /// New followers wait for staff approval instead of being accepted at once.
    pub manual_approval: bool,
    /// Only domains on the allow list may federate with this node.
    pub allowlist_mode: bool,
    /// Most outbox pages read when backfilling a followed centre (a safety cap: a directory
    /// needs all of a centre's entries).
    pub backfill_pages: u32,
    /// Hosts on private addresses that may be contacted all the same (normalised authorities).
    pub allowed_private_hosts: Vec<String>,
    /// PEM files of certificate authorities trusted besides the system's (a private CA).
    pub extra_root_certificates: Vec<std::path::PathBuf>,
    /// Requests one host may send to the inboxes per second, and in a burst (0: no limit).
    pub inbox_per_second: u32,
    pub inbox_burst: u32,
    /// Fetches this node makes from one host per second, and in a burst (0: no limit).
    pub fetch_per_second: u32,
    pub fetch_burst: u32,
}

/// What every federation handler can reach: the database, the node's URLs and the policy.
/// Shared, not copied: the library clones it into every request's context (twice: its own
/// copy and the URL verifier's), and a copy of each field per inbox request was a tenth of
/// the inbox's time on its worker thread (perf, docs/benchmarks.md).
#[derive(Clone)]
pub struct FederationData(std::sync::Arc<FederationState>);

impl std::ops::Deref for FederationData {
    type Target = FederationState;

    fn deref(&self) -> &FederationState {
        &self.0
    }
}

/// The fields behind [`FederationData`].
pub struct FederationState {
    pub db: Database,
    pub urls: NodeUrls,
    pub policy: Policy,
    /// Wakes the delivery workers when activities were queued.
    pub wake: std::sync::Arc<tokio::sync::Notify>,
    /// Wakes the notifier of help requests (`directory::help`) when one arrived.
    pub help_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Moderation rules by domain, cached for a few seconds.
    pub domain_rules: moka::future::Cache<String, Option<crate::storage::moderation::RuleKind>>,
    /// Whether a URL may be contacted (scheme, addresses, ports).
    pub egress: egress::Egress,
    /// Actors whose document was fetched again after a failed signature, lately: at most one
    /// refetch per actor per [`REFETCH_INTERVAL`], whatever the number of forged requests.
    pub refetched: moka::future::Cache<String, ()>,
    /// Requests to the inboxes, per sending host.
    pub inbox_limit: throttle::HostLimiter,
    /// Fetches, per host fetched from.
    pub fetch_limit: throttle::HostLimiter,
    /// Backfills running in the background.
    pub backfills: Backfills,
}

/// The backfills running in the background, stopped with the node that runs them (their
/// progress is stored: the next start resumes them).
#[derive(Clone)]
pub struct Backfills {
    tasks: std::sync::Arc<std::sync::Mutex<tokio::task::JoinSet<()>>>,
    /// Set once the node stops: running backfills end at their next step.
    stop: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Backfills {
    fn default() -> Self {
        Self {
            tasks: std::sync::Arc::default(),
            stop: std::sync::Arc::new(tokio::sync::watch::Sender::new(false)),
        }
    }
}

/// How long a stopping node waits for its backfills to reach a step where they can stop.
const BACKFILL_STOP_WAIT: Duration = Duration::from_secs(30);

impl Backfills {
    pub(crate) fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        if self.stopping() {
            return;
        }
        let mut set = self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget the ones that ended.
        while set.try_join_next().is_some() {}
        set.spawn(task);
    }

    /// Whether the node is stopping.
    pub(crate) fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Completes when the node starts stopping.
    pub(crate) async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        // The sender lives in `self`: the wait ends only with the stop.
        let _ = stop.wait_for(|stopping| *stopping).await;
    }

    /// Stops every running backfill and waits for them to end. They end between two steps, not
    /// in the middle of a write: a write aborted from outside would still run to its commit in
    /// its database thread, after the node has stopped and maybe after the next start has read
    /// the backfill's progress (then both would store the same page).
    pub async fn stop_all(&self) {
        self.stop.send_replace(true);
        let mut set = std::mem::take(
            &mut *self
                .tasks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let ended = tokio::time::timeout(BACKFILL_STOP_WAIT, async {
            while set.join_next().await.is_some() {}
        })
        .await;
        if ended.is_err() {
            tracing::warn!("backfills still running after {BACKFILL_STOP_WAIT:?}: aborted");
            set.abort_all();
        }
    }
}

/// How often a known actor's document may be fetched again because a signature in its name
/// failed (it may have rotated its key).
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(60);

impl FederationData {
    pub(crate) fn new(db: Database, urls: NodeUrls, policy: Policy) -> Self {
        Self(std::sync::Arc::new(FederationState {
            egress: egress::Egress::new(policy.insecure, policy.allowed_private_hosts.clone()),
            inbox_limit: throttle::HostLimiter::new(policy.inbox_per_second, policy.inbox_burst),
            fetch_limit: throttle::HostLimiter::new(policy.fetch_per_second, policy.fetch_burst),
            refetched: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(REFETCH_INTERVAL)
                .build(),
            backfills: Backfills::default(),
            db,
            urls,
            policy,
            wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            help_wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            domain_rules: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
        }))
    }
}

pub type Context = Data<FederationData>;

/// The node's federation handle. Cheap to clone.
#[derive(Clone)]
pub struct Federation {
    /// Shared: axum clones the handle into every request.
    config: std::sync::Arc<FederationConfig<FederationData>>,
    instance: std::sync::Arc<objects::instance::InstanceActor>,
    /// The client delivery workers send with.
    client: reqwest::Client,
}

impl Federation {
    pub(crate) async fn new(data: FederationData) -> Result<Self, FederationError> {
        let insecure = data.policy.insecure;
        let domain = data.urls.authority();
        let (public_key, private_key) = data
            .db
            .write(|conn| {
                crate::storage::instance::get_or_create(conn, || {
                    let pair = keys::generate().map_err(|e| StorageError::Task(e.to_string()))?;
                    Ok((
                        pair.public_key_pem,
                        pair.private_key_pem.expose().to_owned(),
                    ))
                })
            })
            .await?;
        let instance =
            objects::instance::InstanceActor::new(data.urls.base(), public_key, private_key);
        let roots = client::extra_roots(&data.policy.extra_root_certificates)?;
        let config = FederationConfig::builder()
            .domain(domain)
            // Fetches are signed by the instance actor (authorized-fetch servers require it).
            .signed_fetch_actor(&instance)
            // Draft-cavage as Mastodon reads it: `Host` and `Date` signed (the library's
            // default signs `(created)`/`(expires)` and, on GETs, no host: Mastodon in
            // authorized-fetch mode refuses those fetches).
            .http_signature_compat(true)
            // Every URL the library fetches (redirects and WebFinger included) is first
            // checked by the node's own rules.
            .url_verifier(Box::new(egress::Verifier(data.clone())))
            .client(
                reqwest_middleware::ClientBuilder::new(client::build(&data.egress, &roots)?)
                    .with(egress::FetchPace(data.fetch_limit.clone()))
                    .build(),
            )
            .app_data(data.clone())
            // debug: http and explicit ports allowed, private addresses not checked, http
            // WebFinger. Only with the one explicit insecure setting.
            .debug(insecure)
            .allow_http_urls(insecure)
            .request_timeout(Duration::from_secs(10))
            // A bound on the fetches one incoming activity may cause.
            .http_fetch_limit(20)
            .build()
            .await
            .map_err(|e| FederationError::Internal(e.to_string()))?;
        Ok(Self {
            config: std::sync::Arc::new(config),
            instance: std::sync::Arc::new(instance),
            client: client::build(&data.egress, &roots)?,
        })
    }

    /// Forgets cached moderation rules (after staff changed one).
    pub(crate) fn rules_changed(&self) {
        self.data().domain_rules.invalidate_all();
    }

    /// Starts the delivery workers (a serving node does; commands leave the queue to it).
    /// With them, the retries of the relay subscriptions' Follows (`relays.rs`).
    pub(crate) fn start_delivery(&self) -> tokio::task::JoinHandle<()> {
        let deliveries = delivery::run(self.data().clone(), self.client.clone());
        let relays = self.clone().retry_follows();
        tokio::spawn(async move {
            tokio::join!(deliveries, relays);
        })
    }

    /// Resumes the backfills a stopped node left running; returns how many.
    pub async fn resume_backfills(&self) -> Result<usize, FederationError> {
        backfill::resume_unfinished(&self.context()).await
    }

    /// Stops the backfills running in the background and waits for them to end (they resume
    /// at the next start).
    pub async fn stop_backfills(&self) {
        self.config.backfills.stop_all().await;
    }

    /// The node's instance actor (FEP-2677).
    pub(crate) fn instance_actor(&self) -> &objects::instance::InstanceActor {
        &self.instance
    }

    pub(crate) fn context(&self) -> Context {
        self.config.to_request_data()
    }

    pub(crate) fn data(&self) -> &FederationData {
        &self.config
    }
}

/// `host[:port]` of a URL, normalised: what origin checks, domain rules and delivery hosts
/// compare (on one machine every node is `localhost`, so the host alone says nothing).
pub use crate::domain::urls::authority;

impl FederationData {
    /// Whether this node may contact `url`: the address rules of [`egress`], then the
    /// moderation rules (a blocked domain, or one off the allow list in allow-list mode, is
    /// never contacted). Every outgoing request asks.
    pub(crate) async fn may_contact(&self, url: &Url) -> Result<(), egress::Refusal> {
        self.egress.check(url)?;
        match checks::moderation_refusal(self, url).await {
            Ok(None) => Ok(()),
            Ok(Some(refusal)) => Err(refusal),
            Err(e) => {
                // The rules cannot be read: contact nobody rather than a blocked host.
                tracing::warn!("reading the domain rules: {e}");
                Err(egress::Refusal::Blocked {
                    host: authority(url),
                })
            }
        }
    }
}

/// A new activity id on this node.
pub(crate) fn activity_id(urls: &NodeUrls, kind: &str) -> Url {
    urls.base()
        .join(&format!(
            "activities/{}/{}",
            kind.to_lowercase(),
            uuid::Uuid::new_v4().simple()
        ))
        .expect("valid activity path")
}

impl Federation {
    /// The actor a user means by `target`: `name@domain` (WebFinger) or an actor URL. Fetched
    /// (or refreshed) and stored.
    #[tracing::instrument(name = "resolve_actor", skip(self))]
    pub(crate) async fn resolve_actor(
        &self,
        target: &str,
    ) -> Result<crate::storage::centres::CentreRow, FederationError> {
        use activitypub_federation::fetch::object_id::ObjectId;
        use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
        let data = self.context();
        let actor = if target.starts_with("http://") || target.starts_with("https://") {
            let url = Url::parse(target)?;
            checks::check_domain(&data, &url).await?;
            data.egress
                .preflight(&url)
                .await
                .map_err(|e| FederationError::BadRequest(e.to_string()))?;
            ObjectId::<objects::centre::ApubCentre>::from(url)
                .dereference(&data)
                .await?
        } else {
            let handle = target.trim_start_matches('@');
            let (_, domain) = handle
                .split_once('@')
                .ok_or_else(|| FederationError::BadRequest("expected name@domain".into()))?;
            let scheme = if data.policy.insecure {
                "http"
            } else {
                "https"
            };
            let root = Url::parse(&format!("{scheme}://{domain}/"))?;
            checks::check_domain(&data, &root).await?;
            data.egress
                .preflight(&root)
                .await
                .map_err(|e| FederationError::BadRequest(e.to_string()))?;
            webfinger_resolve_actor::<FederationData, objects::centre::ApubCentre>(handle, &data)
                .await?
        };
        Ok(actor.row)
    }
}
