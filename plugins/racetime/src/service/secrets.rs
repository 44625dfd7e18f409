//! Sealing the bots' client secrets with the site secret (`SECRET_KEY`): ChaCha20-Poly1305 with
//! a key derived for this one purpose (HMAC-SHA256 of the purpose under the site secret) and a
//! random nonce per secret. A database dump alone does not give the credentials away, and a
//! changed site secret shows as "cannot be opened" instead of sending garbage to racetime.gg.

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    ChaCha20Poly1305, Key, Nonce,
};
use hmac::{Hmac, Mac};
use sdk::Error;
use sha2::Sha256;

const PURPOSE: &[u8] = b"sahabot racetime bot client secret v1";
const PREFIX: &str = "v1:";

fn cipher(site_secret: &str) -> Result<ChaCha20Poly1305, Error> {
    if site_secret.len() < 16 {
        return Err(Error::internal(
            "the site secret key is too short to seal secrets",
        ));
    }
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(site_secret.as_bytes()).map_err(Error::internal)?;
    mac.update(PURPOSE);
    let key = mac.finalize().into_bytes();
    Ok(ChaCha20Poly1305::new(Key::from_slice(&key)))
}

/// `v1:` + base64(nonce ‖ ciphertext).
pub fn seal(site_secret: &str, plain: &str) -> Result<String, Error> {
    let cipher = cipher(site_secret)?;
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, plain.as_bytes())
        .map_err(|_| Error::internal("sealing a secret failed"))?;
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    Ok(format!("{PREFIX}{}", STANDARD.encode(bytes)))
}

pub fn open(site_secret: &str, sealed: &str) -> Result<String, Error> {
    let broken = || {
        Error::conflict(
            "The bot's client secret cannot be opened (the site's secret key changed?): enter the secret again on the bots page.",
        )
    };
    let bytes = sealed
        .strip_prefix(PREFIX)
        .and_then(|b| STANDARD.decode(b).ok())
        .ok_or_else(broken)?;
    if bytes.len() < 12 {
        return Err(broken());
    }
    let (nonce, body) = bytes.split_at(12);
    let plain = cipher(site_secret)?
        .decrypt(Nonce::from_slice(nonce), body)
        .map_err(|_| broken())?;
    String::from_utf8(plain).map_err(|_| broken())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_same_site_secret_only() {
        let site = "0123456789abcdef0123456789abcdef";
        let sealed = seal(site, "s3cret").unwrap();
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("s3cret"));
        assert_ne!(
            sealed,
            seal(site, "s3cret").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(open(site, &sealed).unwrap(), "s3cret");
        assert!(open("another-site-secret-of-length", &sealed).is_err());
        assert!(open(site, "v1:AAAA").is_err());
        assert!(open(site, "plain").is_err());
        assert!(seal("short", "x").is_err());
    }
}
