//! The event bus: typed events that plugins emit and other plugins listen to.
//!
//! An event is a plain serializable type implementing [`Event`] (its `NAME` is how logs and the
//! admin pages call it). [`EventBus::emit`] wraps it in an [`Envelope`] (organization, actor,
//! time) and returns at once: each listener runs in its own task, off the request path, with a
//! time limit; a listener that fails, panics or overruns is logged with the event and recorded
//! in [`EventBus::recent_failures`], and never affects the emitter or the other listeners.
//!
//! Listeners are registered in a plugin's `on_load` (`LoadContext::listen`) and dropped when the
//! plugin is reloaded.
//!
//! In-transaction listeners ([`EventBus::listen_in_tx`]) are for work that must happen exactly
//! when the cause happens — a notification's outbox row, say. An emitter that supports them
//! calls [`EventBus::stage`] inside its transaction, before commit: every in-transaction listener
//! of that type runs there, on the same connection, so its writes commit or roll back with the
//! cause (an error rolls the cause back too). After commit the emitter hands the staged envelope
//! to [`EventBus::publish`], the ordinary delivery below. `emit` is `stage` without a
//! transaction: use it only for events nobody needs durably.
//!
//! Several instances on one PostgreSQL database: [`relay_postgres`] forwards every emitted event
//! as a `NOTIFY sahabot_events` (JSON: sending instance, name, envelope) and `LISTEN`s for the
//! others'. An instance delivers its own events directly and skips their echo, so each event
//! reaches each instance's listeners once. A received event is decoded by its name with the
//! decoder `listen::<E>` registered, so an instance only decodes events it has listeners for.

use std::{
    any::{Any, TypeId},
    collections::{HashMap, VecDeque},
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{time::now_ms, Error};

/// How long one listener may take for one event before it is abandoned and logged.
pub const LISTENER_TIME_LIMIT: Duration = Duration::from_secs(30);
/// How many recent events and failures the admin page can show.
const KEEP_RECENT: usize = 200;

/// A typed event.
pub trait Event: Any + Clone + Send + Sync + Serialize + DeserializeOwned + 'static {
    /// A stable name, e.g. `presets.preset_created`.
    const NAME: &'static str;
}

/// An event with its context.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Envelope<E> {
    pub org_id: Option<i64>,
    /// The user who caused it, when one did.
    pub actor: Option<i64>,
    /// Epoch milliseconds UTC.
    pub at: i64,
    pub event: E,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;
type Handler = Arc<dyn Fn(Arc<dyn Any + Send + Sync>) -> BoxFuture + Send + Sync>;

struct Listener {
    owner: String,
    handler: Handler,
}

/// What an in-transaction listener returns: its work on the cause's connection.
pub type TxListenerFuture<'c> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'c>>;
type TxHandler = Arc<
    dyn for<'c> Fn(&'c mut sqlx::AnyConnection, &'c (dyn Any + Send + Sync)) -> TxListenerFuture<'c>
        + Send
        + Sync,
>;

struct TxListener {
    owner: String,
    handler: TxHandler,
}

pub use crate::runtime::{EventRecord, ListenerFailure};

/// Decodes a relayed event of one type and delivers it locally.
type Decoder = Arc<dyn Fn(&EventBus, serde_json::Value) -> Result<(), String> + Send + Sync>;

/// What travels between instances.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
struct Relayed {
    from: String,
    name: String,
    envelope: serde_json::Value,
}

pub struct EventBus {
    /// Tells this process's relayed events from other instances'.
    instance: String,
    listeners: RwLock<HashMap<TypeId, Vec<Listener>>>,
    tx_listeners: RwLock<HashMap<TypeId, Vec<TxListener>>>,
    decoders: RwLock<HashMap<&'static str, Decoder>>,
    /// Set by [`relay_postgres`]: emitted events go out here too.
    outbox: RwLock<Option<tokio::sync::mpsc::UnboundedSender<String>>>,
    recent: Mutex<VecDeque<EventRecord>>,
    /// Shared with listener tasks, which record their own failures.
    failures: Arc<Mutex<VecDeque<ListenerFailure>>>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus").finish_non_exhaustive()
    }
}

fn push_bounded<T>(queue: &Mutex<VecDeque<T>>, item: T) {
    if let Ok(mut q) = queue.lock() {
        if q.len() >= KEEP_RECENT {
            q.pop_front();
        }
        q.push_back(item);
    }
}

impl Default for EventBus {
    fn default() -> Self {
        let salt: u64 = rand::random();
        Self {
            instance: format!("{}-{salt:016x}", std::process::id()),
            listeners: RwLock::default(),
            tx_listeners: RwLock::default(),
            decoders: RwLock::default(),
            outbox: RwLock::default(),
            recent: Mutex::default(),
            failures: Arc::default(),
        }
    }
}

impl EventBus {
    /// Registers `handler` for events of type `E`, owned by `owner` (a plugin id or `core`).
    pub fn listen<E, F, Fut>(&self, owner: &str, handler: F)
    where
        E: Event,
        F: Fn(Envelope<E>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |any: Arc<dyn Any + Send + Sync>| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                match any.downcast_ref::<Envelope<E>>() {
                    Some(envelope) => handler(envelope.clone()).await,
                    None => Err(Error::internal("event of the wrong type")),
                }
            }) as BoxFuture
        });
        if let Ok(mut listeners) = self.listeners.write() {
            listeners
                .entry(TypeId::of::<E>())
                .or_default()
                .push(Listener {
                    owner: owner.to_string(),
                    handler: erased,
                });
        }
        // So this instance can decode `E` when another instance relays it.
        if let Ok(mut decoders) = self.decoders.write() {
            decoders.entry(E::NAME).or_insert_with(|| {
                Arc::new(|bus: &EventBus, json: serde_json::Value| {
                    let envelope: Envelope<E> =
                        serde_json::from_value(json).map_err(|e| e.to_string())?;
                    bus.deliver(envelope);
                    Ok(())
                })
            });
        }
    }

    /// Registers `handler` to run inside the transaction of every write that stages an `E`
    /// ([`EventBus::stage`]), on that transaction's connection; an error it returns rolls the
    /// write back. Keep it to a few statements: the cause's locks are held while it runs.
    pub fn listen_in_tx<E, F>(&self, owner: &str, handler: F)
    where
        E: Event,
        F: for<'c> Fn(&'c mut sqlx::AnyConnection, &'c Envelope<E>) -> TxListenerFuture<'c>
            + Send
            + Sync
            + 'static,
    {
        let erased: TxHandler = Arc::new(
            move |conn: &mut sqlx::AnyConnection, any: &(dyn Any + Send + Sync)| match any
                .downcast_ref::<Envelope<E>>()
            {
                Some(envelope) => handler(conn, envelope),
                None => Box::pin(async { Err(Error::internal("event of the wrong type")) }),
            },
        );
        if let Ok(mut listeners) = self.tx_listeners.write() {
            listeners
                .entry(TypeId::of::<E>())
                .or_default()
                .push(TxListener {
                    owner: owner.to_string(),
                    handler: erased,
                });
        }
    }

    /// Inside the cause's transaction: runs every in-transaction listener of `E` on `conn`, in
    /// the order they registered, and returns the envelope to [`EventBus::publish`] after
    /// commit. The first listener error is returned (name the listener in the log) so the
    /// caller rolls back: nothing a listener must record is lost while its cause is kept.
    pub async fn stage<E: Event>(
        &self,
        conn: &mut sqlx::AnyConnection,
        org_id: Option<i64>,
        actor: Option<i64>,
        event: E,
    ) -> Result<Envelope<E>, Error> {
        let envelope = Envelope {
            org_id,
            actor,
            at: now_ms(),
            event,
        };
        let targets: Vec<(String, TxHandler)> = self
            .tx_listeners
            .read()
            .map(|l| {
                l.get(&TypeId::of::<E>())
                    .map(|list| {
                        list.iter()
                            .map(|l| (l.owner.clone(), Arc::clone(&l.handler)))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        for (owner, handler) in targets {
            if let Err(e) = handler(&mut *conn, &envelope).await {
                tracing::warn!(event = E::NAME, listener = %owner, org_id, error = %e.message(), "in-transaction listener failed; the write is rolled back");
                return Err(e);
            }
        }
        Ok(envelope)
    }

    /// After the cause committed: delivers a staged envelope like [`EventBus::emit`] does.
    pub fn publish<E: Event>(&self, envelope: Envelope<E>) -> Vec<tokio::task::JoinHandle<()>> {
        self.relay_out(&envelope);
        self.deliver(envelope)
    }

    /// Drops every listener `owner` registered (before its reload).
    pub fn remove_owner(&self, owner: &str) {
        if let Ok(mut listeners) = self.listeners.write() {
            for list in listeners.values_mut() {
                list.retain(|l| l.owner != owner);
            }
        }
        if let Ok(mut listeners) = self.tx_listeners.write() {
            for list in listeners.values_mut() {
                list.retain(|l| l.owner != owner);
            }
        }
    }

    /// Delivers `event` to every listener of its type, each in its own task, and (with a relay)
    /// to the other instances. Returns at once with the local tasks, which callers may await
    /// (tests do; request handlers do not).
    pub fn emit<E: Event>(
        &self,
        org_id: Option<i64>,
        actor: Option<i64>,
        event: E,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let envelope = Envelope {
            org_id,
            actor,
            at: now_ms(),
            event,
        };
        self.relay_out(&envelope);
        self.deliver(envelope)
    }

    fn relay_out<E: Event>(&self, envelope: &Envelope<E>) {
        let Ok(outbox) = self.outbox.read() else {
            return;
        };
        let Some(outbox) = outbox.as_ref() else {
            return;
        };
        let relayed = Relayed {
            from: self.instance.clone(),
            name: E::NAME.to_string(),
            envelope: match serde_json::to_value(envelope) {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!(event = E::NAME, error = %e, "event not relayed: not serializable");
                    return;
                }
            },
        };
        match serde_json::to_string(&relayed) {
            // PostgreSQL's NOTIFY payload limit is 8000 bytes.
            Ok(text) if text.len() < 7900 => {
                outbox.send(text).ok();
            }
            Ok(_) => tracing::warn!(
                event = E::NAME,
                "event not relayed to other instances: larger than NOTIFY allows"
            ),
            Err(e) => tracing::warn!(event = E::NAME, error = %e, "event not relayed"),
        }
    }

    /// A relayed event from another instance: decoded by name, delivered locally. Events this
    /// instance sent itself, and events nobody here listens to, are skipped.
    pub fn receive_relayed(&self, payload: &str) {
        let relayed: Relayed = match serde_json::from_str(payload) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable relayed event");
                return;
            }
        };
        if relayed.from == self.instance {
            return;
        }
        let decoder = self
            .decoders
            .read()
            .ok()
            .and_then(|d| d.get(relayed.name.as_str()).cloned());
        if let Some(decoder) = decoder {
            if let Err(e) = decoder(self, relayed.envelope) {
                tracing::warn!(event = %relayed.name, error = %e, "relayed event could not be decoded");
            }
        }
    }

    /// Runs the local listeners of `envelope`'s type.
    fn deliver<E: Event>(&self, envelope: Envelope<E>) -> Vec<tokio::task::JoinHandle<()>> {
        let (org_id, actor) = (envelope.org_id, envelope.actor);
        let targets: Vec<(String, Handler)> = self
            .listeners
            .read()
            .map(|l| {
                l.get(&TypeId::of::<E>())
                    .map(|list| {
                        list.iter()
                            .map(|l| (l.owner.clone(), Arc::clone(&l.handler)))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        push_bounded(
            &self.recent,
            EventRecord {
                name: E::NAME.to_string(),
                org_id,
                actor,
                at: envelope.at,
                listeners: targets.len(),
            },
        );
        let shared: Arc<dyn Any + Send + Sync> = Arc::new(envelope);
        let mut tasks = Vec::new();
        for (owner, handler) in targets {
            let payload = Arc::clone(&shared);
            let failures = Arc::clone(&self.failures);
            tasks.push(tokio::spawn(async move {
                // A panic stays inside this task; the join error tells us about it.
                let run = tokio::spawn(async move {
                    tokio::time::timeout(LISTENER_TIME_LIMIT, handler(payload)).await
                });
                let outcome = match run.await {
                    Ok(Ok(Ok(()))) => None,
                    Ok(Ok(Err(e))) => Some(match e {
                        Error::Internal => "internal error".to_string(),
                        other => other.message(),
                    }),
                    Ok(Err(_)) => Some(format!(
                        "took longer than {} s and was abandoned",
                        LISTENER_TIME_LIMIT.as_secs()
                    )),
                    Err(join) if join.is_panic() => Some("panicked".to_string()),
                    Err(_) => Some("was cancelled".to_string()),
                };
                if let Some(error) = outcome {
                    tracing::warn!(event = E::NAME, listener = %owner, org_id, %error, "event listener failed");
                    push_bounded(
                        &failures,
                        ListenerFailure {
                            event: E::NAME.to_string(),
                            listener: owner,
                            org_id,
                            at: now_ms(),
                            error,
                        },
                    );
                }
            }));
        }
        tasks
    }

    /// This process's id among instances.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn recent_events(&self) -> Vec<EventRecord> {
        self.recent
            .lock()
            .map(|q| q.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    pub fn recent_failures(&self) -> Vec<ListenerFailure> {
        self.failures
            .lock()
            .map(|q| q.iter().rev().cloned().collect())
            .unwrap_or_default()
    }
}

/// System events the platform emits.
pub mod system {
    use serde::{Deserialize, Serialize};

    use super::Event;

    /// The server is up (after plugins loaded and the router was built).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct AppStarted {
        pub version: String,
    }

    /// The server is shutting down.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct AppStopping;

    /// A plugin loaded at start-up (or came back on reload).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct PluginLoaded {
        pub plugin_id: String,
        pub version: String,
    }

    /// A plugin came on for the envelope's organization.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct PluginEnabled {
        pub plugin_id: String,
    }

    /// A plugin went off for the envelope's organization.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct PluginDisabled {
        pub plugin_id: String,
    }

    impl Event for AppStarted {
        const NAME: &'static str = "core.app_started";
    }
    impl Event for AppStopping {
        const NAME: &'static str = "core.app_stopping";
    }
    impl Event for PluginLoaded {
        const NAME: &'static str = "core.plugin_loaded";
    }
    impl Event for PluginEnabled {
        const NAME: &'static str = "core.plugin_enabled";
    }
    impl Event for PluginDisabled {
        const NAME: &'static str = "core.plugin_disabled";
    }

    /// Rights changed: in the envelope's organization (memberships, roles, statements), or a
    /// user's everywhere (`user_id` with no organization: a global level). Other instances drop
    /// their cached decisions when it arrives.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    pub struct AccessChanged {
        pub user_id: Option<i64>,
    }

    impl Event for AccessChanged {
        const NAME: &'static str = "core.access_changed";
    }
}

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "sahabot_events";

/// Connects `bus` to the other instances on the PostgreSQL database at `url`: emitted events are
/// sent with `pg_notify`, and other instances' are delivered here. Runs until `stop` fires;
/// reconnects after a lost connection (events sent meanwhile are missed, and logged as such).
pub async fn relay_postgres(
    bus: Arc<EventBus>,
    url: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, Error> {
    use sqlx::postgres::{PgListener, PgPool};
    let pool = PgPool::connect(&url).await.map_err(Error::internal)?;
    let mut listener = PgListener::connect_with(&pool)
        .await
        .map_err(Error::internal)?;
    listener.listen(CHANNEL).await.map_err(Error::internal)?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    if let Ok(mut outbox) = bus.outbox.write() {
        *outbox = Some(tx);
    }
    // Receiving runs in its own task (a PgListener read must not be interrupted half-way), and
    // both tasks end when `stop` fires.
    let receiving = {
        let bus = Arc::clone(&bus);
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => bus.receive_relayed(notification.payload()),
                    Err(e) => {
                        tracing::warn!(error = %e, "event relay lost its connection; retrying in 1 s");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        })
    };
    let sending = {
        let pool = pool.clone();
        tokio::spawn(async move {
            while let Some(payload) = rx.recv().await {
                if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(&payload)
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "event not relayed to other instances");
                }
            }
        })
    };
    Ok(tokio::spawn(async move {
        stop.changed().await.ok();
        if let Ok(mut outbox) = bus.outbox.write() {
            *outbox = None;
        }
        receiving.abort();
        sending.abort();
        pool.close().await;
    }))
}

#[cfg(test)]
mod tests;
