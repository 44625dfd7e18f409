//! `sahabot`: parses the command line and runs the chosen command.

use std::process::ExitCode;

use clap::Parser;
use platform::{identity::login_links, identity::tokens, identity::users};
use sdk::auth::GlobalLevel;
use server::{
    cli::{Cli, Command, ImportCommand, PluginsCommand, TokensCommand, UsersCommand},
    config::Config,
    migrate,
};

/// mimalloc instead of glibc's malloc. A profile of the release server under load spent about
/// 28 % of its CPU in glibc's allocator (`_int_malloc`, `malloc_consolidate`, `unlink_chunk`);
/// `make bench` measures the difference (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve { addr: None });
    // Scaffolding works on the source tree, not on a site: no settings needed.
    if let Command::Plugins {
        command: PluginsCommand::New { id, name, root },
    } = &command
    {
        let files = server::scaffold::new_plugin(root, id, name.as_deref())?;
        println!("Created plugin {id}:");
        for file in &files {
            println!("  {}", file.display());
        }
        println!(
            "Build or run the app (make dev) and switch it on under an organization's Plugins tab."
        );
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    match command {
        Command::Serve { addr } => {
            let config = match addr {
                Some(addr) => config.with_addr(&addr).map_err(|e| e.to_string())?,
                None => config,
            };
            let base_url = config.base_url.clone();
            let server = server::start(config).await.map_err(|e| e.to_string())?;
            tracing::info!(url = %server.url(), "SahaBot is listening");
            // The first run: no user yet, so a one-time link creates the first admin. It comes
            // before the "running at" line, which ends what a person needs to read (and after
            // which `make run` sums up, naming this link).
            match platform::identity::setup::offer(&server.db).await {
                Ok(Some(secret)) => {
                    // With `--addr host:0` the configured base names port 0; the bound one is real.
                    let base = if base_url.ends_with(":0") {
                        server.url()
                    } else {
                        base_url
                    };
                    println!(
                        "This site has no user yet. Open this one-time link to create its first admin:\n  {}",
                        server::auth::setup::url(&base, &secret)
                    )
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "could not mint the first admin's setup link"),
            }
            println!("SahaBot is running at {}  (Ctrl-C to stop)", server.url());
            server
                .stop_on(server::shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let db = sdk::db::Db::connect(&config.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let report = migrate::run(&db, migrate::CORE, &migrate::core_migrations(db.backend()))
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{} core migration(s) applied, {} already applied",
                report.applied.len(),
                report.already_applied
            );
            for name in &report.applied {
                println!("  applied {}/{name}", migrate::CORE);
            }
            // Loading the plugins applies their pending migrations.
            let host = server::load_plugins(&db, &config, app::plugins::bundles())
                .await
                .map_err(|e| e.to_string())?;
            for summary in host.summaries(None, true).await.map_err(|e| e.message())? {
                println!(
                    "  plugin {}: {} ({} migration(s) applied){}",
                    summary.id,
                    summary.status.label(),
                    summary.migrations_applied,
                    summary.reason.map(|r| format!(": {r}")).unwrap_or_default()
                );
            }
            db.close().await;
            Ok(())
        }
        Command::Plugins { command } => {
            let platform = server::open_platform(&config)
                .await
                .map_err(|e| e.to_string())?;
            let result = plugins_command(&platform, command).await;
            platform.db.close().await;
            result
        }
        Command::Plugin(words) => {
            let platform = server::open_platform(&config)
                .await
                .map_err(|e| e.to_string())?;
            let result = plugin_command(&platform, &words).await;
            platform.db.close().await;
            result
        }
        Command::Import {
            command: ImportCommand::FeatureFlags { file },
        } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| format!("could not read {}: {e}", file.display()))?;
            let platform = server::open_platform(&config)
                .await
                .map_err(|e| e.to_string())?;
            let report = server::feature_flags::import(&platform, &json).await;
            platform.db.close().await;
            for line in report? {
                println!("{line}");
            }
            Ok(())
        }
        Command::Users { command } => {
            let db = server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?;
            let result = match command {
                UsersCommand::Create { name, superadmin } => {
                    let level = if superadmin {
                        GlobalLevel::Superadmin
                    } else {
                        GlobalLevel::User
                    };
                    users::create(&db, &name, level)
                        .await
                        .map(|user| user.id.to_string())
                }
                UsersCommand::LoginLink { name } => login_links::create(&db, &name)
                    .await
                    .map(|(_, secret)| format!("{}/auth/link/{secret}", config.base_url)),
            };
            db.close().await;
            println!("{}", result.map_err(|e| e.message())?);
            Ok(())
        }
        Command::Tokens {
            command: TokensCommand::Create { user, name },
        } => {
            let db = server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?;
            let created = tokens::create_for_username(&db, &user, &name).await;
            db.close().await;
            println!("{}", created.map_err(|e| e.message())?.secret);
            Ok(())
        }
    }
}

/// `sahabot <plugin> <command> …`: a command a plugin contributed (`sdk::plugin::cli`); the
/// CLI itself knows no plugin. Without a command, or with an unknown one, lists the plugin's.
async fn plugin_command(platform: &platform::Host, words: &[String]) -> Result<(), String> {
    let (plugin_id, rest) = words.split_first().ok_or("no command given")?;
    let cli = platform.plugins.cli();
    let commands = cli.of(plugin_id);
    if platform.plugins.manifest(plugin_id).is_none() {
        return Err(format!(
            "`{plugin_id}` is neither a command nor a loaded plugin; see `sahabot --help`"
        ));
    }
    let listing = || {
        let mut text = format!("{plugin_id}'s commands:");
        for c in &commands {
            text += &format!(
                "\n  sahabot {plugin_id} {} {}\n      {}",
                c.name, c.usage, c.about
            );
        }
        if commands.is_empty() {
            text += " none";
        }
        text
    };
    let Some((name, args)) = rest.split_first() else {
        return Err(listing());
    };
    let Some(command) = cli.find(plugin_id, name) else {
        return Err(format!(
            "{plugin_id} has no command `{name}`.\n{}",
            listing()
        ));
    };
    let call = sdk::plugin::cli::CliCall {
        platform: platform.contract(),
        args: args.to_vec(),
    };
    let output = (command.handler)(call).await.map_err(|e| match e.field() {
        Some(field) => format!(
            "{field}: {}\nusage: sahabot {plugin_id} {name} {}",
            e.message(),
            command.usage
        ),
        None => e.message(),
    })?;
    println!("{output}");
    Ok(())
}

async fn plugins_command(platform: &platform::Host, command: PluginsCommand) -> Result<(), String> {
    let actor = sdk::Actor::default();
    match command {
        PluginsCommand::List { org } => {
            let list = platform
                .plugins
                .summaries(org, true)
                .await
                .map_err(|e| e.message())?;
            for p in list {
                let state = match p.enabled {
                    Some(true) => "  on",
                    Some(false) => "  off",
                    None => "",
                };
                println!(
                    "{:<20} {:<10} {:<9}{state}{}",
                    p.id,
                    p.version,
                    p.status.label(),
                    p.reason.map(|r| format!("  ({r})")).unwrap_or_default()
                );
            }
            Ok(())
        }
        PluginsCommand::Enable { id, org } => {
            let change = platform
                .plugins
                .set_enabled(org, &id, true, true, &actor)
                .await
                .map_err(|e| e.message())?;
            if change.changed.is_empty() {
                println!("{id} was already on for organization {org}");
            } else {
                println!(
                    "switched on for organization {org}: {}",
                    change.changed.join(", ")
                );
            }
            Ok(())
        }
        PluginsCommand::Disable { id, org } => {
            let change = platform
                .plugins
                .set_enabled(org, &id, false, false, &actor)
                .await
                .map_err(|e| e.message())?;
            if change.changed.is_empty() {
                println!("{id} was already off for organization {org}");
            } else {
                println!("switched off for organization {org}: {id}");
            }
            Ok(())
        }
        PluginsCommand::New { .. } => Ok(()),
    }
}

/// One line per event on stderr (stdout is for command output); `SAHABOT_LOG` (or `RUST_LOG`) sets the filter, e.g. `debug`.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SAHABOT_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,leptos_axum=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
