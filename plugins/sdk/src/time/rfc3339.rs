//! Serde for instants in DTOs: epoch milliseconds in Rust, an RFC 3339 UTC string on the wire
//! (see [`api_instant`](super::api_instant)); reading accepts any RFC 3339 offset. Use
//! `#[serde(with = "sdk::time::rfc3339")]`, or `sdk::time::rfc3339::option` for `Option<i64>`.

use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(epoch_ms: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&super::api_instant(*epoch_ms))
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let text = String::deserialize(deserializer)?;
    super::parse_rfc3339(&text).map_err(D::Error::custom)
}

/// The same for an optional instant (`null` when absent).
pub mod option {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        epoch_ms: &Option<i64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match epoch_ms {
            Some(ms) => serializer.serialize_str(&super::super::api_instant(*ms)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i64>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => super::super::parse_rfc3339(&text)
                .map(Some)
                .map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}
