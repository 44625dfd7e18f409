//! Where registered commands and button handlers live while the site runs: a
//! [`CommandRegistry`] by command name and a [`ComponentRegistry`] by button prefix, each entry
//! remembering its plugin (so a plugin's entries go when it is removed, and two plugins cannot
//! claim the same name or prefix). Both sit in [`BotRuntime`](super::BotRuntime).

use std::{collections::BTreeMap, sync::RwLock};

use super::{BotCommand, BotComponent};
use crate::Error;

#[derive(Clone)]
pub struct RegisteredComponent {
    pub plugin_id: String,
    pub component: BotComponent,
}

/// Registered button handlers by prefix.
#[derive(Default)]
pub struct ComponentRegistry {
    components: RwLock<BTreeMap<String, RegisteredComponent>>,
}

impl std::fmt::Debug for ComponentRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefixes: Vec<String> = self
            .components
            .read()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_list().entries(prefixes).finish()
    }
}

impl ComponentRegistry {
    pub fn add(&self, plugin_id: &str, component: BotComponent) -> Result<(), Error> {
        if component.prefix.is_empty() || component.prefix.len() > 50 {
            return Err(Error::internal(format!(
                "plugin {plugin_id}: a button prefix must have 1 to 50 characters"
            )));
        }
        let mut components = self.components.write().map_err(Error::internal)?;
        if let Some(existing) = components.get(&component.prefix) {
            if existing.plugin_id != plugin_id {
                return Err(Error::internal(format!(
                    "plugin {plugin_id}: the button prefix `{}` is already registered by {}",
                    component.prefix, existing.plugin_id
                )));
            }
        }
        components.insert(
            component.prefix.clone(),
            RegisteredComponent {
                plugin_id: plugin_id.to_string(),
                component,
            },
        );
        Ok(())
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut c) = self.components.write() {
            c.retain(|_, c| c.plugin_id != plugin_id);
        }
    }

    /// The handler for a clicked button: the longest registered prefix of `custom_id`.
    pub fn find(&self, custom_id: &str) -> Option<RegisteredComponent> {
        let components = self.components.read().ok()?;
        components
            .iter()
            .filter(|(prefix, _)| custom_id.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, c)| c.clone())
    }
}

#[derive(Clone)]
pub struct RegisteredCommand {
    pub plugin_id: String,
    pub command: BotCommand,
}

/// Registered commands by name (names are global in Discord, so they are unique here).
#[derive(Default)]
pub struct CommandRegistry {
    commands: RwLock<BTreeMap<String, RegisteredCommand>>,
}

impl std::fmt::Debug for CommandRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl CommandRegistry {
    pub fn add(&self, plugin_id: &str, command: BotCommand) -> Result<(), Error> {
        validate_command_name(&command.name)
            .map_err(|m| Error::internal(format!("plugin {plugin_id}: {m}")))?;
        let mut commands = self.commands.write().map_err(Error::internal)?;
        if let Some(existing) = commands.get(&command.name) {
            if existing.plugin_id != plugin_id {
                return Err(Error::internal(format!(
                    "plugin {plugin_id}: the command /{} is already registered by {}",
                    command.name, existing.plugin_id
                )));
            }
        }
        commands.insert(
            command.name.clone(),
            RegisteredCommand {
                plugin_id: plugin_id.to_string(),
                command,
            },
        );
        Ok(())
    }

    pub fn remove_owner(&self, plugin_id: &str) {
        if let Ok(mut c) = self.commands.write() {
            c.retain(|_, c| c.plugin_id != plugin_id);
        }
    }

    pub fn get(&self, name: &str) -> Option<RegisteredCommand> {
        self.commands.read().ok()?.get(name).cloned()
    }

    pub fn all(&self) -> Vec<RegisteredCommand> {
        self.commands
            .read()
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn names(&self) -> Vec<String> {
        self.commands
            .read()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn validate_command_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid slash command name (lower case letters, digits, - and _, at most 32)"
        ))
    }
}
