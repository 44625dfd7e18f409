//! The secret key section: `SAHABOT_SECRET_KEY` when set (at least [`MIN_SECRET_KEY_LEN`]
//! characters), else the key kept in the data folder ([`SECRET_KEY_FILE`]), made on first start
//! and written owner-only.

use std::path::Path;

use rand::RngCore;

use super::{pick, ConfigError, FileConfig, Source};

/// The file, inside the data folder, that keeps a generated secret key across restarts.
pub const SECRET_KEY_FILE: &str = "secret_key";
const MIN_SECRET_KEY_LEN: usize = 32;

/// The configured key, or the one kept in (or newly made for) `data_dir`.
pub(super) fn secret_key(
    env: &dyn Source,
    file: &mut FileConfig,
    data_dir: &Path,
) -> Result<String, ConfigError> {
    let secret_key = match pick(env, "SAHABOT_SECRET_KEY", file.secret_key.take()) {
        Some(key) if key.len() < MIN_SECRET_KEY_LEN => {
            return Err(ConfigError::Invalid {
                setting: "SAHABOT_SECRET_KEY",
                detail: format!("it must be at least {MIN_SECRET_KEY_LEN} characters long"),
            })
        }
        Some(key) => key,
        None => stored_or_new_secret_key(data_dir)?,
    };
    Ok(secret_key)
}

/// Reads the key kept in the data folder, or makes one and keeps it there (owner-only file).
fn stored_or_new_secret_key(data_dir: &Path) -> Result<String, ConfigError> {
    let path = data_dir.join(SECRET_KEY_FILE);
    let file_error = |e: std::io::Error| ConfigError::SecretKeyFile {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    match std::fs::read_to_string(&path) {
        Ok(key) if key.trim().len() >= MIN_SECRET_KEY_LEN => return Ok(key.trim().to_string()),
        Ok(_) => {
            return Err(ConfigError::SecretKeyFile {
                path: path.display().to_string(),
                detail: format!(
                    "it holds fewer than {MIN_SECRET_KEY_LEN} characters; delete it to have a new key made"
                ),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(file_error(e)),
    }
    std::fs::create_dir_all(data_dir).map_err(file_error)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    write_private(&path, &key).map_err(file_error)?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
