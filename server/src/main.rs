//! `sahabot`: parses the command line and runs the chosen command.

use std::process::ExitCode;

use clap::Parser;
use sdk::{
    auth::GlobalLevel,
    identity::{login_links, tokens, users},
};
use server::{
    cli::{Cli, Command, TokensCommand, UsersCommand},
    config::Config,
    migrate,
};

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
    let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    match cli.command.unwrap_or(Command::Serve { addr: None }) {
        Command::Serve { addr } => {
            let config = match addr {
                Some(addr) => config.with_addr(&addr).map_err(|e| e.to_string())?,
                None => config,
            };
            let server = server::start(config).await.map_err(|e| e.to_string())?;
            tracing::info!(url = %server.url(), "SahaBot is listening");
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
                "{} migration(s) applied, {} already applied",
                report.applied.len(),
                report.already_applied
            );
            for name in &report.applied {
                println!("  applied {}/{name}", migrate::CORE);
            }
            db.close().await;
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
