//! The event bus: typed events that plugins emit and other plugins listen to.
//!
//! An event is a plain serializable type implementing [`Event`] (its `NAME` is how logs and the
//! admin pages call it). [`EventBus::emit`] wraps it in an [`Envelope`] (organization, actor,
//! time) and returns at once: each listener runs in its own task, off the request path, with a
//! time limit; a listener that fails, panics or overruns is logged with the event and recorded
//! in [`EventBus::recent_failures`], and never affects the emitter or the other listeners.
//!
//! Listeners are registered in a plugin's `on_load` (`LoadContext::listen`) and dropped when the
//! plugin is reloaded. Delivery is in-process; fanning out to other instances over PostgreSQL
//! builds on this (the runtime-services issue).

use std::{
    any::{Any, TypeId},
    collections::{HashMap, VecDeque},
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use serde::Serialize;

use crate::{time::now_ms, Error};

/// How long one listener may take for one event before it is abandoned and logged.
pub const LISTENER_TIME_LIMIT: Duration = Duration::from_secs(30);
/// How many recent events and failures the admin page can show.
const KEEP_RECENT: usize = 200;

/// A typed event.
pub trait Event: Any + Clone + Send + Sync + Serialize + 'static {
    /// A stable name, e.g. `presets.preset_created`.
    const NAME: &'static str;
}

/// An event with its context.
#[derive(Debug, Clone, Serialize)]
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

/// One delivered event, for the admin page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EventRecord {
    pub name: String,
    pub org_id: Option<i64>,
    pub actor: Option<i64>,
    pub at: i64,
    pub listeners: usize,
}

/// A listener that failed on an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ListenerFailure {
    pub event: String,
    pub listener: String,
    pub org_id: Option<i64>,
    pub at: i64,
    pub error: String,
}

#[derive(Default)]
pub struct EventBus {
    listeners: RwLock<HashMap<TypeId, Vec<Listener>>>,
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
    }

    /// Drops every listener `owner` registered (before its reload).
    pub fn remove_owner(&self, owner: &str) {
        if let Ok(mut listeners) = self.listeners.write() {
            for list in listeners.values_mut() {
                list.retain(|l| l.owner != owner);
            }
        }
    }

    /// Delivers `event` to every listener of its type, each in its own task. Returns at once
    /// with the tasks, which callers may await (tests do; request handlers do not).
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug, Clone, Serialize)]
    struct Ping(u32);
    impl Event for Ping {
        const NAME: &'static str = "test.ping";
    }

    #[derive(Debug, Clone, Serialize)]
    struct Other;
    impl Event for Other {
        const NAME: &'static str = "test.other";
    }

    #[tokio::test]
    async fn listeners_get_their_events_and_failures_are_isolated() {
        let bus = EventBus::default();
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        bus.listen::<Ping, _, _>("good", move |env| {
            let counter = Arc::clone(&counter);
            async move {
                assert_eq!(env.org_id, Some(7));
                counter.fetch_add(env.event.0 as usize, Ordering::SeqCst);
                Ok(())
            }
        });
        bus.listen::<Ping, _, _>("panics", |_env| async move {
            if true {
                panic!("listener bug");
            }
            Ok(())
        });
        bus.listen::<Ping, _, _>("fails", |_env| async move { Err(Error::conflict("nope")) });
        let also = Arc::clone(&seen);
        bus.listen::<Other, _, _>("other", move |_env| {
            let also = Arc::clone(&also);
            async move {
                also.fetch_add(100, Ordering::SeqCst);
                Ok(())
            }
        });

        for task in bus.emit(Some(7), Some(1), Ping(2)) {
            task.await.unwrap();
        }
        assert_eq!(
            seen.load(Ordering::SeqCst),
            2,
            "only Ping listeners ran, the good one once"
        );
        let failures = bus.recent_failures();
        let mut who: Vec<(&str, &str)> = failures
            .iter()
            .map(|f| (f.listener.as_str(), f.error.as_str()))
            .collect();
        who.sort();
        assert_eq!(who, [("fails", "nope"), ("panics", "panicked")]);
        assert_eq!(bus.recent_events()[0].name, "test.ping");
        assert_eq!(bus.recent_events()[0].listeners, 3);

        bus.remove_owner("good");
        for task in bus.emit(None, None, Ping(5)) {
            task.await.unwrap();
        }
        assert_eq!(
            seen.load(Ordering::SeqCst),
            2,
            "removed listener no longer runs"
        );
    }
}
