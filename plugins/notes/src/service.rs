//! The rules. Server functions and (later) Discord commands call these; the rules themselves
//! are pure where they can be, so they are tested without a database.

use sdk::{
    audit::{self, AuditEntry},
    auth::guard::OrgScope,
    context::platform,
    Error,
};

use crate::{model::Entry, repo, PLUGIN_ID};

/// The text as it will be stored, or an error naming the field.
pub fn clean_text(text: &str, max_length: usize) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("text", "Write something first."));
    }
    let length = text.chars().count();
    if length > max_length {
        return Err(Error::invalid(
            "text",
            format!("At most {max_length} characters, this has {length}."),
        ));
    }
    Ok(text.to_string())
}

/// The organization's `max_length` setting.
async fn max_length(org_id: i64) -> Result<usize, Error> {
    let config = platform()?
        .plugins
        .effective_config(org_id, PLUGIN_ID)
        .await?;
    Ok(config
        .get("max_length")
        .and_then(|v| v.as_u64())
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(200))
}

/// Every write is one transaction with its audit entry.
pub async fn add(scope: &OrgScope, text: &str) -> Result<Entry, Error> {
    let text = clean_text(text, max_length(scope.org_id).await?)?;
    let mut tx = scope.db.begin().await?;
    let entry = repo::insert(&mut tx, scope.org_id, &text, Some(scope.user.id)).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            user_id: Some(scope.user.id),
            org_id: Some(scope.org_id),
            action: "notes.add",
            details: serde_json::json!({"entry_id": entry.id}),
            ip: scope.ip.as_deref(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

pub async fn list(
    scope: &OrgScope,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<Entry>, Error> {
    repo::list(&scope.db, scope.org_id, page).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn text_is_trimmed_and_limited() {
        assert_eq!(clean_text("  hello ", 10).unwrap(), "hello");
        assert_eq!(clean_text("   ", 10).unwrap_err().field(), Some("text"));
        let err = clean_text("abcdef", 5).unwrap_err();
        assert!(err.message().contains("At most 5"), "{}", err.message());
    }
}
