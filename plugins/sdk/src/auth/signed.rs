//! Short signed values for OAuth2 `state` parameters: numbers joined with dots and an
//! HMAC-SHA256 over a purpose and the numbers with the site's secret key, so a state can only
//! have come from this site and only for what it was issued for.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

fn mac(key: &str, purpose: &str, fields: &[i64]) -> Result<Hmac<Sha256>, Error> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).map_err(Error::internal)?;
    let joined: Vec<String> = fields.iter().map(i64::to_string).collect();
    mac.update(format!("{purpose}:{}", joined.join(":")).as_bytes());
    Ok(mac)
}

/// `f1.f2….signature`: the fields and their HMAC-SHA256 for `purpose` under `key`.
pub fn sign(key: &str, purpose: &str, fields: &[i64]) -> Result<String, Error> {
    let signature = mac(key, purpose, fields)?.finalize().into_bytes();
    let mut parts: Vec<String> = fields.iter().map(i64::to_string).collect();
    parts.push(hex::encode(signature));
    Ok(parts.join("."))
}

/// The `count` fields of a value [`sign`] made for `purpose` under `key`; `None` when the text
/// is damaged, changed, signed for another purpose or with another key.
pub fn verify(key: &str, purpose: &str, text: &str, count: usize) -> Option<Vec<i64>> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    let (signature, fields) = parts.split_last()?;
    if fields.len() != count {
        return None;
    }
    let fields: Vec<i64> = fields
        .iter()
        .map(|f| f.parse::<i64>().ok())
        .collect::<Option<_>>()?;
    let signature = hex::decode(signature).ok()?;
    mac(key, purpose, &fields)
        .ok()?
        .verify_slice(&signature)
        .ok()?;
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn signs_and_refuses_changes() {
        let text = sign("key", "racetime-link", &[7, 1_800_000_000_000]).unwrap();
        assert_eq!(
            verify("key", "racetime-link", &text, 2),
            Some(vec![7, 1_800_000_000_000])
        );
        assert_eq!(verify("other key", "racetime-link", &text, 2), None);
        assert_eq!(verify("key", "discordbot-link", &text, 2), None);
        assert_eq!(verify("key", "racetime-link", &text, 3), None);
        assert_eq!(
            verify("key", "racetime-link", &text.replacen('7', "8", 1), 2),
            None
        );
        assert_eq!(verify("key", "racetime-link", "garbage", 2), None);
        assert_eq!(verify("key", "racetime-link", "", 0), None);
    }
}
