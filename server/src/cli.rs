//! The command line: `sahabot serve` (the default), `sahabot migrate`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sahabot",
    version,
    about = "SahaBot: tournaments, async qualifiers, seeds, race rooms and Discord automation for speedrun and randomizer communities.",
    long_about = None
)]
pub struct Cli {
    /// A TOML file with settings (default: sahabot.toml in the working folder, when present).
    /// Environment variables override it: DATABASE_URL, SAHABOT_ADDR, SAHABOT_BASE_URL,
    /// SAHABOT_SECRET_KEY, SAHABOT_DATA_DIR, SAHABOT_SITE_ROOT.
    #[arg(long, global = true, env = "SAHABOT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default when no command is given).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:3000 (overrides SAHABOT_ADDR).
        #[arg(long, value_name = "HOST:PORT")]
        addr: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users without Discord (self-hosting).
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Manage API tokens.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// List plugins, switch them on or off for an organization, or scaffold a new one.
    Plugins {
        #[command(subcommand)]
        command: PluginsCommand,
    },
    /// Bring data over from SahaBot2.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// A plugin's own command: `sahabot <plugin> <command> [arguments]`, e.g. `sahabot presets
    /// import DIR --namespace NAME --user USERNAME`; `sahabot <plugin>` lists them.
    #[command(external_subcommand)]
    Plugin(Vec<String>),
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Every plugin with version, status and (with --org) whether it is on there.
    List {
        #[arg(long, value_name = "ORG_ID")]
        org: Option<i64>,
    },
    /// Switch a plugin on for an organization (its dependencies too).
    Enable {
        id: String,
        #[arg(long, value_name = "ORG_ID")]
        org: i64,
    },
    /// Switch a plugin off for an organization (its data stays).
    Disable {
        id: String,
        #[arg(long, value_name = "ORG_ID")]
        org: i64,
    },
    /// Create plugins/<id>: a crate with a page, server functions, a migration and tests,
    /// registered in app/Cargo.toml.
    New {
        /// Lowercase letters, digits and `_`, starting with a letter.
        id: String,
        /// The name users see (default: from the id, e.g. `race_notes` → "Race Notes").
        #[arg(long)]
        name: Option<String>,
        /// The workspace folder (the one holding `plugins/` and `app/`).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Apply an export of SahaBot2's organization_feature_flags rows (a JSON array) as plugin
    /// enablement: LIVE_RACES/RACETIME_BOT → racetime, DISCORD_EVENTS → discord_events,
    /// ADVANCED_PRESETS → presets, SCHEDULED_TASKS → built in.
    FeatureFlags { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints the new user's id.
    Create {
        /// 2 to 32 letters, digits, `_`, `.` or `-`.
        name: String,
        /// Make the user a SUPERADMIN (can create organizations, manage the site).
        #[arg(long)]
        superadmin: bool,
    },
    /// Print a one-time URL (valid 15 minutes) that signs this user in.
    LoginLink { name: String },
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create an API token for a user; prints only the token.
    Create {
        /// The user's name.
        user: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_takes_an_address() {
        let cli = Cli::parse_from(["sahabot"]);
        assert!(cli.command.is_none());
        let cli = Cli::parse_from(["sahabot", "serve", "--addr", "0.0.0.0:8080"]);
        assert!(
            matches!(cli.command, Some(Command::Serve { addr: Some(a) }) if a == "0.0.0.0:8080")
        );
        assert!(Cli::try_parse_from(["sahabot", "serve", "--adr", "x"]).is_err());
        let cli = Cli::parse_from(["sahabot", "users", "create", "ada", "--superadmin"]);
        assert!(matches!(
            cli.command,
            Some(Command::Users {
                command: UsersCommand::Create {
                    superadmin: true,
                    ..
                }
            })
        ));
        let cli = Cli::parse_from(["sahabot", "tokens", "create", "ada", "--name", "bot"]);
        assert!(
            matches!(cli.command, Some(Command::Tokens { command: TokensCommand::Create { ref name, .. } }) if name == "bot")
        );
    }
}
