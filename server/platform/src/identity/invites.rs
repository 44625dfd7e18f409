//! Invite links: `/invite/{slug}`, with optional use limit and expiry, revocable.
pub use super::model::{Invite, InvitePreview};

use super::{commit_org_change, orgs, validate};
use crate::authorizer::Authorizer;
use sdk::{
    audit::{record, AuditEntry},
    auth::{tokens::new_secret, CurrentUser},
    db::{now_ms, Db},
    page::{Page, PageRequest},
    Error,
};

const COLUMNS: &str =
    "id, organization_id, slug, is_active, max_uses, uses_count, expires_at, created_at";

/// The organization's invites, newest first, a page at a time.
pub async fn list(db: &Db, org_id: i64, page: &PageRequest) -> Result<Page<Invite>, Error> {
    let invites: Vec<Invite> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organization_invites WHERE organization_id = $1 AND id < $2
         ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(invites, page, |i| i.id))
}

/// `slug` None makes a random one; `max_uses` None is unlimited; `expires_at` None never expires.
pub async fn create(
    db: &Db,
    actor: &CurrentUser,
    org_id: i64,
    slug: Option<&str>,
    max_uses: Option<i64>,
    expires_at: Option<i64>,
    ip: Option<&str>,
) -> Result<Invite, Error> {
    let slug = match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => validate::slug("slug", slug)?,
        None => new_secret()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(12)
            .collect::<String>()
            .to_lowercase(),
    };
    if max_uses.is_some_and(|m| m < 1) {
        return Err(Error::invalid(
            "max_uses",
            "must be at least 1, or empty for unlimited",
        ));
    }
    let now = now_ms();
    if expires_at.is_some_and(|e| e <= now) {
        return Err(Error::invalid("expires_at", "must be in the future"));
    }
    let mut tx = db.begin().await?;
    let invite: Invite = sqlx::query_as(&format!(
        "INSERT INTO organization_invites (organization_id, slug, created_by, max_uses, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(org_id)
    .bind(&slug)
    .bind(actor.id)
    .bind(max_uses)
    .bind(expires_at)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(Error::conflict_if_duplicate(format!("The invite link “{slug}” is taken; choose another.")))?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "invite.create",
            details: serde_json::json!({"slug": slug, "max_uses": max_uses, "expires_at": expires_at}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invite)
}

pub async fn revoke(
    db: &Db,
    actor: &CurrentUser,
    org_id: i64,
    invite_id: i64,
    ip: Option<&str>,
) -> Result<(), Error> {
    let mut tx = db.begin().await?;
    let updated = sqlx::query(
        "UPDATE organization_invites SET is_active = $1 WHERE id = $2 AND organization_id = $3",
    )
    .bind(false)
    .bind(invite_id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::not_found(format!(
            "Invite {invite_id} does not exist in this organization."
        )));
    }
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "invite.revoke",
            details: serde_json::json!({"invite_id": invite_id}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn by_slug(db: &Db, slug: &str) -> Result<Invite, Error> {
    let slug = validate::slug("slug", slug)?;
    let invite = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organization_invites WHERE slug = $1"
    ))
    .bind(&slug)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| {
        Error::not_found("This invite link does not exist. Check the link or ask for a new one.")
    })?;
    Ok(invite)
}

pub async fn preview(db: &Db, slug: &str) -> Result<InvitePreview, Error> {
    let invite = by_slug(db, slug).await?;
    let org = orgs::get(db, invite.organization_id).await?;
    Ok(InvitePreview {
        slug: invite.slug.clone(),
        organization_id: org.id,
        organization_name: org.name,
        organization_description: org.description,
        unusable_reason: invite.unusable_reason(now_ms()).map(str::to_string),
    })
}

/// Joins the invite's organization. The use is counted with a conditional update, so two people
/// racing for the last use cannot both get in.
pub async fn accept(
    db: &Db,
    authorizer: &Authorizer,
    user: &CurrentUser,
    slug: &str,
    ip: Option<&str>,
) -> Result<i64, Error> {
    let invite = by_slug(db, slug).await?;
    let now = now_ms();
    if let Some(reason) = invite.unusable_reason(now) {
        return Err(Error::conflict(reason));
    }
    let mut tx = db.begin().await?;
    let counted = sqlx::query(
        "UPDATE organization_invites SET uses_count = uses_count + 1
         WHERE id = $1 AND is_active = $2 AND (max_uses IS NULL OR uses_count < max_uses)
           AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(invite.id)
    .bind(true)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if counted.rows_affected() != 1 {
        return Err(Error::conflict(
            "This invite has been used as many times as it allows.",
        ));
    }
    orgs::insert_member(&mut tx, invite.organization_id, user.id)
        .await
        .map_err(|e| match e {
            Error::Conflict { .. } => {
                Error::conflict("You are already a member of this organization.")
            }
            other => other,
        })?;
    commit_org_change(
        tx,
        authorizer,
        invite.organization_id,
        AuditEntry {
            user_id: Some(user.id),
            org_id: Some(invite.organization_id),
            action: "invite.accept",
            details: serde_json::json!({"slug": invite.slug}),
            ip,
        },
    )
    .await?;
    Ok(invite.organization_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite() -> Invite {
        Invite {
            id: 1,
            organization_id: 1,
            slug: "join".into(),
            is_active: true,
            max_uses: Some(2),
            uses_count: 1,
            expires_at: Some(1_000),
            created_at: 0,
        }
    }

    #[test]
    fn usable_until_revoked_expired_or_used_up() {
        assert_eq!(invite().unusable_reason(999), None);
        assert!(invite().unusable_reason(1_000).unwrap().contains("expired"));
        let used_up = Invite {
            uses_count: 2,
            ..invite()
        };
        assert!(used_up.unusable_reason(0).unwrap().contains("used"));
        let revoked = Invite {
            is_active: false,
            ..invite()
        };
        assert!(revoked.unusable_reason(0).unwrap().contains("revoked"));
        let unlimited = Invite {
            max_uses: None,
            expires_at: None,
            uses_count: 10_000,
            ..invite()
        };
        assert_eq!(unlimited.unusable_reason(i64::MAX), None);
    }
}
