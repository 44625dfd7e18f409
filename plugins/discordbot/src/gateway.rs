//! The gateway supervisor: holds the lease, runs the serenity client while it does.
//!
//! Every `lease / 3` it claims the lease (one atomic statement, `repo::claim_lease`):
//! - claimed and no client → build and start one ([`crate::bot::client`]);
//! - claimed and a client → it was renewed; carry on (serenity reconnects by itself);
//! - not claimed and a client → another instance has it (we were too slow, or the database was
//!   unreachable for a whole lease): shut the client down at once;
//! - not claimed, no client → wait.
//!
//! A client that ends by itself (rejected token, …) is recorded in the status and started again
//! after a growing pause (5 s, doubling, at most 5 minutes), never in a hot loop. Stopping (the
//! server's `on_stop`) shuts the client down and releases the lease, so another instance takes
//! over at its next look.

use std::{sync::Arc, time::Duration};

use poise::serenity_prelude as serenity;
use sdk::time::now_ms;
use tokio::{sync::watch, task::JoinHandle};

use crate::{
    bot::{client, describe_client_error, Bot},
    repo,
    rules::{lease_step, retry_delay_ms, LeaseStep},
};

/// Building the client includes a request to Discord; it may not hold the lease loop forever.
const BUILD_TIME_LIMIT: Duration = Duration::from_secs(20);
/// How long a shutdown may take before the client task is abandoned.
const SHUTDOWN_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The running supervisor.
pub struct Supervisor {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Supervisor {
    pub fn start(bot: Arc<Bot>) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(supervise(bot, stopped));
        Self { stop, task }
    }

    /// Shuts the client down, releases the lease and waits for both.
    pub async fn stop(self) {
        self.stop.send(true).ok();
        let mut task = self.task;
        if tokio::time::timeout(SHUTDOWN_TIME_LIMIT * 2, &mut task)
            .await
            .is_err()
        {
            tracing::warn!("the Discord gateway supervisor did not stop in time; abandoned");
            task.abort();
        }
    }
}

/// A started client.
struct Running {
    shards: Arc<serenity::ShardManager>,
    task: JoinHandle<Result<(), serenity::Error>>,
}

async fn supervise(bot: Arc<Bot>, mut stopped: watch::Receiver<bool>) {
    let runtime = bot.platform.plugins.bot();
    let db = bot.platform.db.clone();
    let lease_ms = i64::try_from(bot.settings.lease.as_millis()).unwrap_or(i64::MAX);
    let tick = bot.settings.lease_heartbeat();
    let mut client: Option<Running> = None;
    // Until when the last successful claim keeps the lease ours.
    let mut held_until = 0_i64;
    let mut failures = 0_u32;
    let mut retry_at = 0_i64;
    loop {
        // A client that ended by itself: record why, retry later.
        if client.as_ref().is_some_and(|c| c.task.is_finished()) {
            if let Some(ended) = client.take() {
                let why = match ended.task.await {
                    Ok(Ok(())) => "The Discord gateway connection ended.".to_string(),
                    Ok(Err(e)) => describe_client_error(&e),
                    Err(e) => format!("The Discord client stopped unexpectedly: {e}"),
                };
                failures += 1;
                retry_at = now_ms() + retry_delay_ms(failures);
                tracing::warn!(error = %why, failures, "the Discord bot stopped; it starts again later");
                runtime.update_status(|s| s.last_error = Some(why.clone()));
                bot.disconnected(&why);
            }
        }
        if failures > 0 && client.is_some() && runtime.status().connected {
            // Connected again after failures: their error is history.
            failures = 0;
            runtime.update_status(|s| s.last_error = None);
        }

        let now = now_ms();
        let holds = match repo::claim_lease(&db, &bot.instance, now, lease_ms).await {
            Ok(true) => {
                held_until = now.saturating_add(lease_ms);
                true
            }
            Ok(false) => false,
            Err(e) => {
                tracing::warn!(error = %e.message(), "could not renew the Discord gateway lease");
                // Still ours only for what the last renewal bought.
                now < held_until
            }
        };
        let holder = repo::lease(&db)
            .await
            .ok()
            .flatten()
            .filter(|l| l.expires_at > now)
            .map(|l| l.holder);
        runtime.update_status(|s| {
            s.holds_gateway = holds;
            s.gateway_instance = holder;
        });

        match lease_step(holds, client.is_some(), now >= retry_at) {
            LeaseStep::Connect => match start(&bot).await {
                Ok(running) => client = Some(running),
                Err(why) => {
                    failures += 1;
                    retry_at = now_ms() + retry_delay_ms(failures);
                    tracing::warn!(error = %why, failures, "the Discord bot could not start");
                    runtime.update_status(|s| s.last_error = Some(why));
                }
            },
            LeaseStep::Disconnect => {
                tracing::info!("another instance holds the Discord gateway now; disconnecting");
                shut_down(
                    &bot,
                    client.take(),
                    "another instance holds the Discord gateway now",
                )
                .await;
            }
            LeaseStep::Keep | LeaseStep::Wait => {}
        }

        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            changed = stopped.changed() => {
                if changed.is_err() || *stopped.borrow() {
                    break;
                }
            }
        }
    }
    shut_down(&bot, client.take(), "the server is stopping").await;
    if let Err(e) = repo::release_lease(&db, &bot.instance).await {
        tracing::warn!(error = %e.message(), "could not release the Discord gateway lease; another instance takes over when it runs out");
    }
    runtime.update_status(|s| {
        s.holds_gateway = false;
        s.gateway_instance = None;
    });
}

/// Builds and starts a client.
async fn start(bot: &Arc<Bot>) -> Result<Running, String> {
    let mut client = match tokio::time::timeout(BUILD_TIME_LIMIT, client(Arc::clone(bot))).await {
        Ok(built) => built?,
        Err(_) => return Err("Discord did not answer in time (GET /gateway)".to_string()),
    };
    let shards = Arc::clone(&client.shard_manager);
    let task = tokio::spawn(async move { client.start().await });
    tracing::info!(instance = %bot.instance, "Discord bot connecting");
    Ok(Running { shards, task })
}

/// Shuts a client down and waits for it (a bounded time).
async fn shut_down(bot: &Bot, running: Option<Running>, reason: &str) {
    let Some(running) = running else { return };
    if tokio::time::timeout(SHUTDOWN_TIME_LIMIT, running.shards.shutdown_all())
        .await
        .is_err()
    {
        tracing::warn!("the Discord shards did not shut down in time");
    }
    let mut task = running.task;
    if tokio::time::timeout(SHUTDOWN_TIME_LIMIT, &mut task)
        .await
        .is_err()
    {
        task.abort();
    }
    bot.disconnected(reason);
}
