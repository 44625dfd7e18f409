//! The pure rules of making a Bingosync room: the settings a preset may hold (its JSON Schema),
//! the room form made from a preset (with a password and a card seed drawn from the roll's
//! random seed when the preset has none), and the room id read from the redirect that answers a
//! room made. No I/O; unit tested below. The room page's CSRF token, the cookies to send back and
//! the form errors of a refused room are read by `sdk::randomizer::forms` (ctjets posts a Django
//! form the same way).

use serde_json::{json, Map, Value};

use sdk::Error;

/// The room's name when the preset gives none (Bingosync lists rooms by name).
pub const DEFAULT_ROOM_NAME: &str = "SahaBot Bingo";
/// Who makes the room: the bot's player name in it (a spectator unless the preset says not).
pub const DEFAULT_NICKNAME: &str = "SahaBot";
/// The length of a password drawn for a room.
pub const PASSPHRASE_LENGTH: usize = 12;
/// The characters a drawn password uses: no look-alikes (0/o, 1/l/i), easy to type.
const PASSPHRASE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// The largest seed Bingosync takes.
pub const MAX_SEED: u64 = 2_147_483_647;
/// Bingosync draws a blank seed from 1..=1,000,000; a seed drawn here does the same.
pub const DRAWN_SEED_MAX: u64 = 1_000_000;

/// The settings of a Bingosync preset: the fields of the site's room form (`RoomForm`), minus
/// the CSRF token. `game_type` is required (checked by `check_preset`, which names it).
pub fn settings_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "game_type": {
                "type": "integer", "minimum": 1,
                "description": "Bingosync's number of the game (e.g. 4 = Super Metroid, 18 = Custom)."
            },
            "variant_type": {
                "type": "integer", "minimum": 1,
                "description": "The game's variant, when it has several; it replaces game_type."
            },
            "lockout_mode": {
                "enum": ["non-lockout", "lockout", 1, 2, "1", "2"],
                "description": "non-lockout (1, the default) or lockout (2)."
            },
            "seed": {
                "type": "integer", "minimum": 0, "maximum": MAX_SEED,
                "description": "The card's seed; left out, one is drawn for each room."
            },
            "hide_card": {
                "type": "boolean",
                "description": "Hide the card until each player reveals it (default: true)."
            },
            "is_spectator": {
                "type": "boolean",
                "description": "The bot joins its room as a spectator, not a player (default: true)."
            },
            "room_name": {"type": "string", "minLength": 1, "maxLength": 255},
            "passphrase": {
                "type": "string", "minLength": 1, "maxLength": 100,
                "description": "The room's password; left out, one is drawn for each room."
            },
            "nickname": {"type": "string", "minLength": 1, "maxLength": 50},
            "custom_json": {
                "description": "The board of a custom game: a list of goals ({name: …}), or that list as JSON text.",
                "oneOf": [
                    {"type": "string", "maxLength": 100000},
                    {
                        "type": "array", "maxItems": 1000,
                        "items": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}},
                            "required": ["name"]
                        }
                    }
                ]
            }
        },
        "additionalProperties": false
    })
}

/// The keys a preset file may have around `settings:` (SahasrahBot's wrapper).
#[cfg(feature = "ssr")]
const WRAPPER_KEYS: &[&str] = &["goal_name", "description", "randomizer", "settings"];

/// A preset document's settings (SahasrahBot's `settings:` mapping, or the whole document).
pub use sdk::randomizer::settings_of;

/// Checks a preset when it is saved (and before a roll): the wrapper's keys, the settings
/// against the schema (a setting it does not know is named), and that it says which game.
/// Server only: the schema check is.
#[cfg(feature = "ssr")]
pub fn check_preset(document: &Value) -> Result<(), Error> {
    let Some(map) = document.as_object() else {
        return Err(Error::invalid(
            "settings",
            "The preset must be a mapping of settings.",
        ));
    };
    if matches!(map.get("settings"), Some(Value::Object(_))) {
        if let Some(key) = map.keys().find(|k| !WRAPPER_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                key.clone(),
                format!("`{key}` is not a key of a preset file (Bingosync's settings go under `settings:`)."),
            ));
        }
    }
    let settings = settings_of(document);
    sdk::randomizer::validate_settings(&settings_schema(), settings)?;
    if settings.get("game_type").is_none() {
        return Err(Error::invalid(
            "settings.game_type",
            "Say which game the card is for: `game_type` is Bingosync's number of the game (e.g. 4 for Super Metroid, 18 for a custom board).",
        ));
    }
    Ok(())
}

/// The room form to post (without the CSRF token), and what it holds, for the seed history.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomForm {
    /// The form's fields in order. Checkboxes are sent only when on (Django reads a checkbox
    /// present with any value but `false` as on — `off` included).
    pub fields: Vec<(&'static str, String)>,
    /// The password players join with.
    pub passphrase: String,
    pub room_name: String,
    /// The card's seed; None when the site draws it (custom boards).
    pub seed: Option<u64>,
    /// The settings sent, as the seed history keeps them.
    pub settings: Value,
}

/// The room form for `settings` (already checked against the schema). What the preset leaves
/// out is chosen here: the password and the card seed are drawn from `rng_seed` (so the roll
/// can be reproduced and both are known without asking the site), the room name, the bot's
/// nickname, non-lockout, a hidden card and a spectator bot are the defaults SahasrahBot used.
/// A custom board without a seed leaves the seed to the site (blank means its own shuffle, or
/// the board as given for a fixed custom game).
pub fn room_form(settings: &Value, rng_seed: u64) -> Result<RoomForm, Error> {
    let text = |key: &str| {
        settings
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let number = |key: &str| settings.get(key).and_then(Value::as_u64);
    let flag = |key: &str, default: bool| {
        settings
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    };
    let game_type = number("game_type").ok_or_else(|| {
        Error::invalid(
            "settings.game_type",
            "Say which game the card is for: `game_type` is Bingosync's number of the game.",
        )
    })?;
    let variant_type = number("variant_type");
    let lockout_mode: u64 = match settings.get("lockout_mode") {
        None => 1,
        Some(value) => match (value.as_u64(), value.as_str()) {
            (Some(n @ (1 | 2)), _) => n,
            (_, Some("1" | "non-lockout")) => 1,
            (_, Some("2" | "lockout")) => 2,
            _ => {
                return Err(Error::invalid(
                    "settings.lockout_mode",
                    "`lockout_mode` is `non-lockout` (1) or `lockout` (2).",
                ))
            }
        },
    };
    let custom_json = match settings.get("custom_json") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(board) => Some(board.to_string()),
    };
    let seed = match number("seed") {
        Some(seed) if seed > MAX_SEED => {
            return Err(Error::invalid(
                "settings.seed",
                format!("The seed is at most {MAX_SEED}."),
            ))
        }
        Some(seed) => Some(seed),
        None if custom_json.is_some() => None,
        None => Some(1 + mix(rng_seed) % DRAWN_SEED_MAX),
    };
    let passphrase = text("passphrase").unwrap_or_else(|| passphrase_from(rng_seed));
    let room_name = text("room_name").unwrap_or_else(|| DEFAULT_ROOM_NAME.to_string());
    let nickname = text("nickname").unwrap_or_else(|| DEFAULT_NICKNAME.to_string());
    let hide_card = flag("hide_card", true);
    let is_spectator = flag("is_spectator", true);

    let mut fields: Vec<(&'static str, String)> = vec![
        ("room_name", room_name.clone()),
        ("passphrase", passphrase.clone()),
        ("nickname", nickname.clone()),
        ("game_type", game_type.to_string()),
    ];
    if let Some(variant) = variant_type {
        fields.push(("variant_type", variant.to_string()));
    }
    fields.push(("lockout_mode", lockout_mode.to_string()));
    fields.push(("seed", seed.map(|s| s.to_string()).unwrap_or_default()));
    fields.push(("custom_json", custom_json.clone().unwrap_or_default()));
    if is_spectator {
        fields.push(("is_spectator", "on".into()));
    }
    if hide_card {
        fields.push(("hide_card", "on".into()));
    }

    let mut sent = Map::new();
    sent.insert("room_name".into(), json!(room_name));
    sent.insert("passphrase".into(), json!(passphrase));
    sent.insert("nickname".into(), json!(nickname));
    sent.insert("game_type".into(), json!(game_type));
    if let Some(variant) = variant_type {
        sent.insert("variant_type".into(), json!(variant));
    }
    sent.insert(
        "lockout_mode".into(),
        json!(if lockout_mode == 2 {
            "lockout"
        } else {
            "non-lockout"
        }),
    );
    sent.insert("seed".into(), json!(seed));
    if let Some(board) = &custom_json {
        sent.insert("custom_json".into(), json!(board));
    }
    sent.insert("hide_card".into(), json!(hide_card));
    sent.insert("is_spectator".into(), json!(is_spectator));

    Ok(RoomForm {
        fields,
        passphrase,
        room_name,
        seed,
        settings: Value::Object(sent),
    })
}

/// splitmix64: one well-mixed number from another (no random-number crate needed for a
/// password and a seed).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A room password drawn from `rng_seed`: [`PASSPHRASE_LENGTH`] characters of an alphabet
/// without look-alikes.
pub fn passphrase_from(rng_seed: u64) -> String {
    let alphabet = PASSPHRASE_ALPHABET.len() as u64;
    let mut state = rng_seed ^ 0x7061_7373_7068_7261; // "passphra": apart from the card seed
    (0..PASSPHRASE_LENGTH)
        .map(|_| {
            state = mix(state);
            let index = usize::try_from(state % alphabet).unwrap_or(0);
            char::from(PASSPHRASE_ALPHABET[index])
        })
        .collect()
}

/// The room id in the redirect after a room is made (`Location: /room/{id}`, or an absolute
/// URL ending so). Bingosync's ids are URL-safe base64 (`A–Z a–z 0–9 - _`).
pub fn room_id(location: &str) -> Option<String> {
    let path = location.split(['?', '#']).next().unwrap_or("");
    let (_, id) = path.rsplit_once("/room/")?;
    let id = id.trim_end_matches('/');
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| id.to_string())
}

/// A new card for a room a roll made: what `PUT /api/new-card` is sent, and who joins the room
/// first to send it (docs/upstreams/randomizers.md §8.2).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCard {
    /// `{room, game_type, variant_type?, lockout_mode, hide_card, seed, custom_json?}`.
    pub body: Value,
    /// The bot's nickname and the room's password, for `POST /api/join-room`.
    pub nickname: String,
    pub password: String,
    /// The new card's seed; None when the site draws it (custom boards).
    pub seed: Option<u64>,
}

/// The new card for room `room_id` made with `settings` (as the seed history keeps them): the
/// same game, variant, lockout mode, board and visibility, a card seed drawn from `rng_seed` —
/// never the old card's, which the kept settings hold — and the room's password to join with.
pub fn new_card(room_id: &str, settings: &Value, rng_seed: u64) -> Result<NewCard, Error> {
    if room_id.is_empty()
        || room_id.len() > 64
        || !room_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "seed_id",
            "This seed has no Bingosync room id to make a new card in.",
        ));
    }
    let mut settings = settings.clone();
    if let Some(map) = settings.as_object_mut() {
        map.remove("seed");
    }
    let form = room_form(&settings, rng_seed)?;
    let field = |name: &str| {
        form.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let number = |name: &str| field(name).and_then(|v| v.parse::<u64>().ok());
    let mut body = json!({
        "room": room_id,
        "game_type": number("game_type"),
        "lockout_mode": number("lockout_mode"),
        "hide_card": field("hide_card").is_some(),
        "seed": form.seed.map(|s| s.to_string()).unwrap_or_default(),
    });
    if let Some(variant) = number("variant_type") {
        body["variant_type"] = json!(variant);
    }
    if let Some(board) = field("custom_json").filter(|b| !b.is_empty()) {
        body["custom_json"] = json!(board);
    }
    Ok(NewCard {
        body,
        nickname: field("nickname").unwrap_or_default(),
        password: form.passphrase,
        seed: form.seed,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_new_card_keeps_the_room_and_draws_a_new_seed() {
        let kept = json!({
            "room_name": "League", "passphrase": "hunter2", "nickname": "SahaBot",
            "game_type": 4, "lockout_mode": "lockout", "seed": 1234,
            "hide_card": true, "is_spectator": true,
        });
        let card = new_card("AbCdEfGhIjKlMnOpQrStUv", &kept, 7).unwrap();
        assert_eq!(card.password, "hunter2");
        assert_eq!(card.nickname, "SahaBot");
        assert_eq!(card.body["room"], "AbCdEfGhIjKlMnOpQrStUv");
        assert_eq!(card.body["game_type"], 4);
        assert_eq!(card.body["lockout_mode"], 2);
        assert_eq!(card.body["hide_card"], true);
        let seed = card.seed.unwrap();
        assert_ne!(seed, 1234, "never the old card again");
        assert_eq!(card.body["seed"], seed.to_string());
        assert_eq!(
            new_card("AbCdEfGhIjKlMnOpQrStUv", &kept, 7).unwrap(),
            card,
            "reproducible"
        );
        // A custom board leaves the shuffle to the site.
        let custom =
            json!({"passphrase": "p", "game_type": 18, "custom_json": "[{\"name\":\"a\"}]"});
        let card = new_card("room_1", &custom, 7).unwrap();
        assert_eq!(card.seed, None);
        assert_eq!(card.body["seed"], "");
        assert_eq!(card.body["custom_json"], "[{\"name\":\"a\"}]");
        // Not a room id.
        let err = new_card("../admin", &kept, 7).unwrap_err();
        assert!(err.to_string().contains("no Bingosync room id"), "{err}");
    }

    use super::*;

    fn field<'a>(form: &'a RoomForm, name: &str) -> Option<&'a str> {
        form.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_preset_becomes_the_room_form_with_a_drawn_password_and_seed() {
        let form = room_form(&json!({"game_type": 4}), 42).unwrap();
        assert_eq!(
            form.fields.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [
                "room_name",
                "passphrase",
                "nickname",
                "game_type",
                "lockout_mode",
                "seed",
                "custom_json",
                "is_spectator",
                "hide_card"
            ]
        );
        assert_eq!(field(&form, "game_type"), Some("4"));
        assert_eq!(field(&form, "lockout_mode"), Some("1"));
        assert_eq!(field(&form, "room_name"), Some(DEFAULT_ROOM_NAME));
        assert_eq!(field(&form, "nickname"), Some(DEFAULT_NICKNAME));
        assert_eq!(field(&form, "hide_card"), Some("on"));
        assert_eq!(form.passphrase.len(), PASSPHRASE_LENGTH);
        assert_eq!(field(&form, "passphrase"), Some(form.passphrase.as_str()));
        let seed = form.seed.unwrap();
        assert!((1..=DRAWN_SEED_MAX).contains(&seed), "{seed}");
        assert_eq!(field(&form, "seed"), Some(seed.to_string().as_str()));
        // The same roll draws the same; another roll draws another.
        assert_eq!(room_form(&json!({"game_type": 4}), 42).unwrap(), form);
        let other = room_form(&json!({"game_type": 4}), 43).unwrap();
        assert_ne!(other.passphrase, form.passphrase);
        assert_ne!(other.seed, form.seed);
        // What the history keeps, the password included (players need it).
        assert_eq!(form.settings["passphrase"], form.passphrase.as_str());
        assert_eq!(form.settings["lockout_mode"], "non-lockout");
        assert_eq!(form.settings["hide_card"], true);
    }

    #[test]
    fn the_presets_own_choices_are_sent_and_checkboxes_left_out_when_off() {
        let form = room_form(
            &json!({
                "game_type": 4, "variant_type": 45, "lockout_mode": "lockout", "seed": 0,
                "hide_card": false, "is_spectator": false, "room_name": "Weekly",
                "passphrase": "hunter2", "nickname": "Bot"
            }),
            7,
        )
        .unwrap();
        assert_eq!(field(&form, "variant_type"), Some("45"));
        assert_eq!(field(&form, "lockout_mode"), Some("2"));
        assert_eq!(field(&form, "seed"), Some("0"));
        assert_eq!(field(&form, "passphrase"), Some("hunter2"));
        assert_eq!(field(&form, "room_name"), Some("Weekly"));
        assert_eq!(field(&form, "nickname"), Some("Bot"));
        // Django reads any value but `false` as on: off means not sent at all.
        assert_eq!(field(&form, "hide_card"), None);
        assert_eq!(field(&form, "is_spectator"), None);
        for (value, expected) in [
            (json!(2), "2"),
            (json!("1"), "1"),
            (json!("non-lockout"), "1"),
        ] {
            let form = room_form(&json!({"game_type": 1, "lockout_mode": value}), 1).unwrap();
            assert_eq!(field(&form, "lockout_mode"), Some(expected));
        }
        let err = room_form(&json!({"game_type": 1, "lockout_mode": 3}), 1).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.lockout_mode"),
            "{err:?}"
        );
    }

    #[test]
    fn a_custom_board_is_sent_as_json_and_its_seed_left_to_the_site() {
        let form = room_form(
            &json!({"game_type": 18, "custom_json": [{"name": "Collect 3 Fire Flowers"}]}),
            9,
        )
        .unwrap();
        assert_eq!(
            field(&form, "custom_json"),
            Some(r#"[{"name":"Collect 3 Fire Flowers"}]"#)
        );
        assert_eq!(form.seed, None);
        assert_eq!(field(&form, "seed"), Some(""));
        let text = room_form(
            &json!({"game_type": 18, "custom_json": "[{\"name\": \"A\"}]", "seed": 5}),
            9,
        )
        .unwrap();
        assert_eq!(field(&text, "custom_json"), Some("[{\"name\": \"A\"}]"));
        assert_eq!(text.seed, Some(5));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn presets_are_checked_by_name() {
        assert!(check_preset(&json!({"game_type": 4, "lockout_mode": "lockout"})).is_ok());
        assert!(check_preset(&json!({"description": "x", "settings": {"game_type": 4}})).is_ok());
        for (preset, expected) in [
            (json!({"game_type": 4, "pasword": "x"}), "settings.pasword"),
            (
                json!({"game_type": 4, "lockout_mode": "blackout"}),
                "settings.lockout_mode",
            ),
            (
                json!({"game_type": 4, "seed": 2_147_483_648u64}),
                "settings.seed",
            ),
            (json!({"lockout_mode": 1}), "settings.game_type"),
            (json!({"settings": {"game_type": 4}, "extra": 1}), "extra"),
        ] {
            let err = check_preset(&preset).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == expected),
                "{preset}: {err:?}"
            );
        }
    }

    #[test]
    fn the_room_is_read_from_the_redirect() {
        assert_eq!(
            room_id("/room/AbCdEfGhIjKlMnOpQrSt-_").as_deref(),
            Some("AbCdEfGhIjKlMnOpQrSt-_")
        );
        assert_eq!(
            room_id("https://bingosync.com/room/abc?x=1").as_deref(),
            Some("abc")
        );
        assert_eq!(room_id("/"), None);
        assert_eq!(room_id("/room/"), None);
        assert_eq!(room_id("/room/a b"), None);
    }
}
