//! The `!commands` players type in a room (racetime.gg runs `.commands` itself, so bots use
//! `!`). Parsing only; the service answers.

/// A command read from a chat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCommand {
    Help,
    Status,
    /// `!race` / `!seed`: post the room's seed again.
    Seed,
    Time,
    Entrants,
    /// A randomizer's roll (`!vt open`, `!mystery weekly`): the randomizer plugin it is routed to
    /// and the rest of the line (a preset name).
    Roll {
        randomizer: String,
        mystery: bool,
        args: String,
    },
    /// Started with `!` but unknown.
    Unknown(String),
}

/// The randomizer commands SahasrahBot had, and the randomizer plugin each goes to.
pub const ROLL_COMMANDS: &[(&str, &str)] = &[
    ("vt", "alttpr"),
    ("alttpr", "alttpr"),
    ("mystery", "alttpr"),
    ("avianart", "avianart"),
    ("varia", "sm"),
    ("dash", "sm"),
    ("sm", "sm"),
    ("smz3", "smz3"),
    ("ootr", "ootr"),
    ("ffr", "ffr"),
    ("z1r", "z1r"),
    ("smb3r", "smb3r"),
    ("ctjets", "ctjets"),
    ("aosr", "aosr"),
    ("bingosync", "bingosync"),
];

/// At most this many characters of a line are read.
pub const MAX_LINE: usize = 300;

/// None for a line that is not a command.
pub fn parse(line: &str) -> Option<ChatCommand> {
    let line: String = line.trim().chars().take(MAX_LINE).collect();
    let rest = line.strip_prefix('!')?;
    let (word, args) = match rest.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (rest, ""),
    };
    let word = word.to_lowercase();
    Some(match word.as_str() {
        "help" | "commands" => ChatCommand::Help,
        "status" => ChatCommand::Status,
        "race" | "seed" => ChatCommand::Seed,
        "time" => ChatCommand::Time,
        "entrants" => ChatCommand::Entrants,
        "" => return None,
        other => match ROLL_COMMANDS.iter().find(|(c, _)| *c == other) {
            Some((c, randomizer)) => ChatCommand::Roll {
                randomizer: (*randomizer).to_string(),
                mystery: *c == "mystery",
                args: args.to_string(),
            },
            None => ChatCommand::Unknown(other.to_string()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_from_bang_lines() {
        assert_eq!(parse("!help"), Some(ChatCommand::Help));
        assert_eq!(parse("  !SEED "), Some(ChatCommand::Seed));
        assert_eq!(parse("!race"), Some(ChatCommand::Seed));
        assert_eq!(parse("hello !help"), None);
        assert_eq!(parse("!"), None);
        assert_eq!(parse(".ready"), None);
        assert_eq!(
            parse("!vt  league/open"),
            Some(ChatCommand::Roll {
                randomizer: "alttpr".into(),
                mystery: false,
                args: "league/open".into()
            })
        );
        assert_eq!(
            parse("!mystery weekly"),
            Some(ChatCommand::Roll {
                randomizer: "alttpr".into(),
                mystery: true,
                args: "weekly".into()
            })
        );
        assert_eq!(
            parse("!dash"),
            Some(ChatCommand::Roll {
                randomizer: "sm".into(),
                mystery: false,
                args: String::new()
            })
        );
        assert_eq!(parse("!nope"), Some(ChatCommand::Unknown("nope".into())));
        let long = format!("!vt {}", "x".repeat(1000));
        match parse(&long) {
            Some(ChatCommand::Roll { args, .. }) => assert!(args.len() < MAX_LINE),
            other => panic!("{other:?}"),
        }
    }
}
