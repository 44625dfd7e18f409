//! Command-line commands a plugin contributes: `sahabot <plugin id> <command> [arguments]`.
//!
//! The server's CLI knows no plugin: a first word it does not know is looked up here as a plugin
//! id, the second as one of that plugin's commands, and the rest is handed to the command's
//! handler, which reads it with [`CliArgs`] and answers with the text to print. A plugin
//! registers its commands in `on_load` (`ctx.cli_command(..)`), next to its Discord commands.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use futures::future::BoxFuture;

use crate::{context::Platform, Error};

/// What a command's handler gets: the platform (the same one the server uses) and the words
/// after `sahabot <plugin> <command>`.
#[derive(Debug, Clone)]
pub struct CliCall {
    pub platform: Platform,
    pub args: Vec<String>,
}

pub type CliHandler =
    Arc<dyn Fn(CliCall) -> BoxFuture<'static, Result<String, Error>> + Send + Sync>;

/// One command.
#[derive(Clone)]
pub struct CliCommand {
    pub name: String,
    /// One line for `sahabot <plugin>`'s list.
    pub about: String,
    /// The arguments, e.g. `DIR --namespace NAME --user USERNAME [--randomizer NAME]`.
    pub usage: String,
    pub handler: CliHandler,
}

impl std::fmt::Debug for CliCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CliCommand")
            .field("name", &self.name)
            .field("usage", &self.usage)
            .finish()
    }
}

/// The commands of every loaded plugin, by plugin id and name.
#[derive(Debug, Default)]
pub struct CliRegistry {
    commands: RwLock<BTreeMap<(String, String), CliCommand>>,
}

impl CliRegistry {
    pub fn add(&self, plugin_id: &str, command: CliCommand) -> Result<(), Error> {
        let mut commands = self
            .commands
            .write()
            .map_err(|_| Error::internal("the command registry is unusable"))?;
        let key = (plugin_id.to_string(), command.name.clone());
        if commands.contains_key(&key) {
            return Err(Error::conflict(format!(
                "{plugin_id} registers the command `{}` twice",
                command.name
            )));
        }
        commands.insert(key, command);
        Ok(())
    }

    pub fn find(&self, plugin_id: &str, name: &str) -> Option<CliCommand> {
        let commands = self.commands.read().ok()?;
        commands
            .get(&(plugin_id.to_string(), name.to_string()))
            .cloned()
    }

    /// `plugin_id`'s commands, by name.
    pub fn of(&self, plugin_id: &str) -> Vec<CliCommand> {
        self.commands
            .read()
            .map(|c| {
                c.iter()
                    .filter(|((owner, _), _)| owner == plugin_id)
                    .map(|(_, command)| command.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut commands) = self.commands.write() {
            commands.retain(|(owner, _), _| owner != plugin_id);
        }
    }
}

/// A command's arguments: positional words and `--name value` options, checked against the
/// options the command knows so a typo is an error that names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliArgs {
    positional: Vec<String>,
    named: BTreeMap<String, String>,
}

impl CliArgs {
    /// Reads `args`; `options` are the option names (without `--`) the command takes, each with
    /// a value (`--name value` or `--name=value`).
    pub fn parse(args: &[String], options: &[&str]) -> Result<Self, Error> {
        let mut parsed = Self::default();
        let mut words = args.iter();
        while let Some(word) = words.next() {
            let Some(option) = word.strip_prefix("--") else {
                parsed.positional.push(word.clone());
                continue;
            };
            let (name, inline) = match option.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (option, None),
            };
            if !options.contains(&name) {
                let known = options
                    .iter()
                    .map(|o| format!("--{o}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(Error::invalid(
                    name,
                    format!("`--{name}` is not an option of this command; it takes {known}"),
                ));
            }
            let value = match inline {
                Some(value) => value,
                None => words
                    .next()
                    .cloned()
                    .ok_or_else(|| Error::invalid(name, format!("`--{name}` needs a value")))?,
            };
            parsed.named.insert(name.to_string(), value);
        }
        Ok(parsed)
    }

    /// The `index`th positional word, or an error naming it by `what`.
    pub fn positional(&self, index: usize, what: &str) -> Result<&str, Error> {
        self.positional
            .get(index)
            .map(String::as_str)
            .ok_or_else(|| Error::invalid(what, format!("give the {what}")))
    }

    pub fn option(&self, name: &str) -> Option<&str> {
        self.named.get(name).map(String::as_str)
    }

    /// A required option.
    pub fn require(&self, name: &str) -> Result<&str, Error> {
        self.option(name)
            .ok_or_else(|| Error::invalid(name, format!("`--{name}` is required")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options_and_positional_words_are_read() {
        let args = CliArgs::parse(
            &words("dir --namespace ns --user=ada"),
            &["namespace", "user"],
        )
        .unwrap();
        assert_eq!(args.positional(0, "folder").unwrap(), "dir");
        assert_eq!(args.require("namespace").unwrap(), "ns");
        assert_eq!(args.option("user"), Some("ada"));
        assert_eq!(args.option("randomizer"), None);
        assert!(args.positional(1, "second").is_err());
    }

    #[test]
    fn unknown_or_valueless_options_are_refused_by_name() {
        let typo = CliArgs::parse(&words("--namespce ns"), &["namespace"]).unwrap_err();
        assert_eq!(typo.field(), Some("namespce"));
        assert!(typo.message().contains("--namespace"), "{}", typo.message());
        let bare = CliArgs::parse(&words("--namespace"), &["namespace"]).unwrap_err();
        assert!(
            bare.message().contains("needs a value"),
            "{}",
            bare.message()
        );
        let missing = CliArgs::parse(&[], &["user"])
            .unwrap()
            .require("user")
            .unwrap_err();
        assert!(missing.message().contains("required"));
    }
}
