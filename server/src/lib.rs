//! The `sahabot` server: everything that runs in the one process.
//!
//! Start-up is [`start`]: read the [`config::Config`], open the database, apply the core
//! migrations ([`migrate`]), build the router ([`http`]) and listen. `main.rs` only parses the
//! command line and waits for a shutdown signal; integration tests call [`start`] directly with a
//! fresh database and port 0.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod deadline;
pub mod feature_flags;
pub mod http;
pub mod migrate;
pub mod openapi;
pub mod page_access;
pub mod scaffold;
pub mod state;
pub mod web_security;

use std::{future::Future, net::SocketAddr, sync::Arc};

use leptos::prelude::LeptosOptions;
use leptos_config::Env;
use platform::{Host, PluginHost};
use sdk::db::Db;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::config::Config;

/// Why the server could not start, phrased for the person running it.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Database(#[from] sdk::db::ConnectError),
    #[error(transparent)]
    Migration(#[from] migrate::MigrationError),
    #[error("could not listen on {addr}: {detail}")]
    Bind { addr: SocketAddr, detail: String },
    #[error("Discord sign-in is misconfigured: {0}")]
    Discord(String),
    #[error("the plugin registry could not start: {0}")]
    Plugins(String),
    #[error("the server stopped with an error: {0}")]
    Serve(String),
}

/// Opens the database and applies the platform's pending migrations.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let db = Db::connect(&config.database_url).await?;
    let report = migrate::run(&db, migrate::CORE, &migrate::core_migrations(db.backend())).await?;
    tracing::info!(
        database = db.backend().name(),
        applied = report.applied.len(),
        already_applied = report.already_applied,
        "core migrations done"
    );
    Ok(db)
}

/// Loads `bundles` (normally [`app::plugins::bundles`]): their migrations, `on_load` hooks and
/// registrations. A plugin that fails is recorded as failed; only a broken platform database
/// stops start-up.
pub async fn load_plugins(
    db: &Db,
    config: &Config,
    bundles: Vec<sdk::plugin::Bundle>,
) -> Result<PluginHost, StartupError> {
    let options = platform::LoadOptions {
        disabled: config.disabled_plugins.clone(),
        settings: config.plugin_settings(),
        ..Default::default()
    };
    PluginHost::load(db, bundles, options)
        .await
        .map_err(|e| StartupError::Plugins(e.message()))
}

/// The shared services every request and command works with.
pub fn platform(db: &Db, config: &Config, plugins: Arc<PluginHost>) -> Host {
    // The authorizer is connected to the bus: rights changed through another instance reach
    // this one's cache at once.
    Host::new(db.clone(), plugins, config.base_url.clone())
}

/// Opens the database, migrates, loads the built-in plugins: what the CLI commands work with.
pub async fn open_platform(config: &Config) -> Result<Host, StartupError> {
    let db = open_database(config).await?;
    let host = load_plugins(&db, config, app::plugins::bundles()).await?;
    Ok(platform(&db, config, Arc::new(host)))
}

/// What Site admin → Sign-in shows and checks, from the configuration.
pub fn discord_sign_in_setup(
    config: &Config,
) -> platform::identity::discord_sign_in::DiscordSignInSetup {
    use platform::identity::discord_sign_in::{DiscordApplication, DiscordSignInSetup};
    DiscordSignInSetup {
        application: config.discord.as_ref().map(|d| DiscordApplication {
            client_id: d.client_id.clone(),
            client_secret: d.client_secret.clone(),
            token_url: d.token_url.clone(),
            api_url: d.api_url.clone(),
            configured_in: d.configured_in.clone(),
        }),
        // Already without a trailing slash (`Config::load`).
        base_url: config.base_url.clone(),
        config_file: config.config_file.display().to_string(),
    }
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
        _ => Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(assets::OUTPUT_NAME)
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir(assets::build_dir(&config.site_root))
        .site_addr(config.addr)
        .env(env)
        .build()
}

/// A server running in this process.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub db: Db,
    pub platform: Host,
    /// Ends the PostgreSQL event relay (when there is one).
    relay_stop: tokio::sync::watch::Sender<bool>,
    /// The scheduler's clock (None with `SAHABOT_SCHEDULER=off`).
    scheduler: Option<platform::tasks::engine::Driver>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), StartupError>>,
    /// How long stopping waits for running requests (`Config::shutdown_grace`).
    shutdown_grace: std::time::Duration,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets running requests finish (for the shutdown grace period
    /// at most), and closes the database.
    pub async fn stop(mut self) -> Result<(), StartupError> {
        self.announce_stop();
        self.stop_background().await;
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        self.drain().await
    }

    /// Waits for the server task to end after it was told to stop; past the grace period the
    /// requests still running are abandoned and the database closed without them.
    async fn drain(self) -> Result<(), StartupError> {
        let RunningServer {
            mut task,
            shutdown_grace,
            db,
            ..
        } = self;
        match tokio::time::timeout(shutdown_grace, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(StartupError::Serve(e.to_string())),
            Err(_) => {
                tracing::warn!(
                    seconds = shutdown_grace.as_secs(),
                    "requests were still running after the shutdown grace period: stopping without them"
                );
                task.abort();
                // Connections those requests hold are closed when they end; do not wait for them.
                if tokio::time::timeout(std::time::Duration::from_secs(1), db.close())
                    .await
                    .is_err()
                {
                    tracing::warn!("the database pool did not close within 1 s");
                }
                Ok(())
            }
        }
    }

    /// Tells listeners the server is stopping, and ends the event relay.
    fn announce_stop(&self) {
        self.platform
            .events
            .emit(None, None, sdk::events::system::AppStopping);
        self.relay_stop.send(true).ok();
    }

    /// Stops the scheduler's clock and the plugins' background work.
    async fn stop_background(&mut self) {
        if let Some(driver) = self.scheduler.take() {
            driver.stop().await;
        }
        self.platform.plugins.stop().await;
    }

    /// Waits until the server ends by itself (it normally does not).
    pub async fn wait(self) -> Result<(), StartupError> {
        self.stop_on(std::future::pending()).await
    }

    /// Serves until `signal` completes, then shuts down gracefully.
    pub async fn stop_on(mut self, signal: impl Future<Output = ()>) -> Result<(), StartupError> {
        let stop = self.stop.take();
        let task = &mut self.task;
        tokio::select! {
            result = task => return result.map_err(|e| StartupError::Serve(e.to_string()))?,
            () = signal => {}
        }
        self.announce_stop();
        self.stop_background().await;
        if let Some(stop) = stop {
            stop.send(()).ok();
        }
        self.drain().await
    }
}

/// Opens the database, migrates, loads the built-in plugins, binds `config.addr` (port 0 picks a
/// free port) and serves in a background task.
pub async fn start(config: Config) -> Result<RunningServer, StartupError> {
    start_with_plugins(config, app::plugins::bundles()).await
}

/// [`start`] with a chosen set of plugins (tests use small test-only plugins).
pub async fn start_with_plugins(
    config: Config,
    bundles: Vec<sdk::plugin::Bundle>,
) -> Result<RunningServer, StartupError> {
    let db = open_database(&config).await?;
    let host = Arc::new(load_plugins(&db, &config, bundles).await?);
    let platform = platform(&db, &config, host);
    // Several instances on one PostgreSQL database share their events.
    let (relay_stop, relay_stopped) = tokio::sync::watch::channel(false);
    if db.backend() == sdk::db::Backend::Postgres {
        if let Err(e) = sdk::events::relay_postgres(
            Arc::clone(&platform.events),
            config.database_url.clone(),
            relay_stopped,
        )
        .await
        {
            tracing::warn!(error = %e, "events will not reach other instances: the PostgreSQL relay did not start");
        }
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| StartupError::Bind {
            addr: config.addr,
            detail: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| StartupError::Bind {
        addr: config.addr,
        detail: e.to_string(),
    })?;
    let mut options = leptos_options(&config);
    options.site_addr = addr;
    let discord = match &config.discord {
        Some(discord) => Some(Arc::new(
            auth::discord::Discord::new(discord, &config.base_url)
                .map_err(StartupError::Discord)?,
        )),
        None => None,
    };
    let router = http::router(state::AppState {
        leptos_options: options,
        platform: platform.clone(),
        discord,
        // Counted in the database on PostgreSQL, so instances sharing it limit together.
        limiter: Arc::new(auth::rate_limit::RateLimiter::for_database(&db)),
        rate_limits: config.rate_limits,
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        secure_cookies: config.base_url.starts_with("https://"),
        superadmin_discord_ids: Arc::new(config.superadmin_discord_ids.clone()),
        discord_setup: Arc::new(discord_sign_in_setup(&config)),
        request_timeout: config.request_timeout,
        racetime: config.racetime.as_ref().map(|r| {
            Arc::new(platform::identity::racetime::RacetimeOAuth {
                base_url: r.url.clone(),
                client_id: r.client_id.clone(),
                client_secret: r.client_secret.clone(),
                redirect_uri: format!("{}/auth/racetime/callback", config.base_url),
                secret_key: config.secret_key.clone(),
            })
        }),
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let task_db = db.clone();
    // No Nagle delay: a page goes out in several writes (the streamed shell, then its parts),
    // and with Nagle on, each answer waited for the client's delayed ACK — about 40 ms.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let task = tokio::spawn(async move {
        let served = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stopped.await.ok();
        })
        .await;
        task_db.close().await;
        served.map_err(|e| StartupError::Serve(e.to_string()))
    });
    platform.plugins.start(&platform.contract()).await;
    let scheduler = if config.scheduler {
        let period = std::time::Duration::from_secs(config.scheduler_tick_seconds.max(1));
        match platform::tasks::engine::Driver::start(
            platform::tasks::engine::Scheduler::new(&platform),
            period,
        )
        .await
        {
            Ok(driver) => Some(driver),
            Err(e) => {
                tracing::error!(error = %e.message(), "scheduled tasks will not run: the scheduler did not start");
                None
            }
        }
    } else {
        tracing::info!("scheduled tasks do not run on this instance (SAHABOT_SCHEDULER=off)");
        None
    };
    platform.events.emit(
        None,
        None,
        sdk::events::system::AppStarted {
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
    );
    Ok(RunningServer {
        addr,
        db,
        relay_stop,
        scheduler,
        platform,
        stop: Some(stop),
        task,
        shutdown_grace: config.shutdown_grace,
    })
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
