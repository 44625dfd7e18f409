//! Organizations, their members, and requests for new organizations.

pub use super::model::{Member, OrgRequest, Organization};
use sqlx::{Any, Transaction};

use super::{commit_org_change, roles, users, validate};
use crate::authorizer::Authorizer;
use sdk::{
    audit::{record, AuditEntry},
    auth::{policy::ADMIN_ROLE, CurrentUser, GlobalLevel},
    db::{now_ms, Db},
    page::{Page, PageRequest},
    Error,
};

pub use sdk::identity::lookup::{get, org_from_row, ORG_COLUMNS};

/// Every organization (site admins), newest first, a page at a time.
pub async fn list_all(db: &Db, page: &PageRequest) -> Result<Page<Organization>, Error> {
    let orgs: Vec<Organization> = sqlx::query_as(&format!(
        "SELECT {ORG_COLUMNS} FROM organizations WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(orgs, page, |o| o.id))
}

/// The organizations `user_id` is a member of, newest first, a page at a time.
pub async fn list_for_user(
    db: &Db,
    user_id: i64,
    page: &PageRequest,
) -> Result<Page<Organization>, Error> {
    let orgs: Vec<Organization> = sqlx::query_as(
        "SELECT o.id, o.name, o.description, o.is_active, o.created_at FROM organizations o
         JOIN organization_members m ON m.organization_id = o.id
         WHERE m.user_id = $1 AND o.id < $2 ORDER BY o.id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    Ok(Page::from_rows(orgs, page, |o| o.id))
}

fn clean_name_and_description(name: &str, description: &str) -> Result<(String, String), Error> {
    Ok((
        validate::text("name", name, validate::NAME_MAX)?,
        validate::optional_text("description", description, validate::DESCRIPTION_MAX)?,
    ))
}

/// No other organization (than `except`, when renaming) has this name, whatever its case.
async fn ensure_name_free(
    tx: &mut Transaction<'_, Any>,
    name: &str,
    except: Option<i64>,
) -> Result<(), Error> {
    // Ids start at 1, so 0 excludes nothing.
    let taken = sqlx::query("SELECT id FROM organizations WHERE name_key = $1 AND id <> $2")
        .bind(name.to_lowercase())
        .bind(except.unwrap_or(0))
        .fetch_optional(&mut **tx)
        .await?
        .is_some();
    if taken {
        Err(Error::conflict(format!(
            "An organization named “{name}” already exists."
        )))
    } else {
        Ok(())
    }
}

/// Creates an organization with its built-in roles; `owner` becomes a member with the Admin
/// role. One transaction.
async fn create_in_tx(
    tx: &mut Transaction<'_, Any>,
    actor: &CurrentUser,
    owner_id: i64,
    name: &str,
    description: &str,
    ip: Option<&str>,
) -> Result<i64, Error> {
    ensure_name_free(tx, name, None).await?;
    let now = now_ms();
    let org_id: i64 = sqlx::query_scalar(
        "INSERT INTO organizations (name, name_key, description, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(name.to_lowercase())
    .bind(description)
    .bind(actor.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(Error::conflict_if_duplicate(format!(
        "An organization named “{name}” already exists."
    )))?;
    roles::seed_builtin_roles(tx, org_id, actor.id).await?;
    let member_id = insert_member(tx, org_id, owner_id).await?;
    roles::assign_by_name(tx, member_id, org_id, ADMIN_ROLE, actor.id).await?;
    record(
        &mut **tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "organization.create",
            details: serde_json::json!({"name": name, "owner_id": owner_id}),
            ip,
        },
    )
    .await?;
    Ok(org_id)
}

/// SUPERADMIN only: creates an organization; the creator becomes its Admin.
pub async fn create(
    db: &Db,
    actor: &CurrentUser,
    name: &str,
    description: &str,
    ip: Option<&str>,
) -> Result<Organization, Error> {
    if !actor.is_at_least(GlobalLevel::Superadmin) {
        return Err(Error::forbidden(
            "Only superadmins create organizations; request one instead.",
        ));
    }
    let (name, description) = clean_name_and_description(name, description)?;
    let mut tx = db.begin().await?;
    let org_id = create_in_tx(&mut tx, actor, actor.id, &name, &description, ip).await?;
    tx.commit().await?;
    get(db, org_id).await
}

pub async fn update(
    db: &Db,
    actor: &CurrentUser,
    org_id: i64,
    name: &str,
    description: &str,
    ip: Option<&str>,
) -> Result<Organization, Error> {
    let (name, description) = clean_name_and_description(name, description)?;
    let mut tx = db.begin().await?;
    ensure_name_free(&mut tx, &name, Some(org_id)).await?;
    sqlx::query(
        "UPDATE organizations SET name = $1, name_key = $2, description = $3 WHERE id = $4",
    )
    .bind(&name)
    .bind(name.to_lowercase())
    .bind(&description)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "organization.update",
            details: serde_json::json!({"name": name, "description": description}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get(db, org_id).await
}

// --- members -------------------------------------------------------------------------------

pub(crate) async fn insert_member(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    user_id: i64,
) -> Result<i64, Error> {
    let existing = sqlx::query(
        "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    if existing.is_some() {
        return Err(Error::conflict("That user is already a member."));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO organization_members (organization_id, user_id, joined_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// An organization's members, most recently joined first, a page at a time (`next_before_id`
/// is a membership id).
pub async fn list_members(db: &Db, org_id: i64, page: &PageRequest) -> Result<Page<Member>, Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.display_name, m.joined_at, m.id AS member_id
         FROM organization_members m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3",
    )
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(db.pool())
    .await?;
    let rows = Page::from_rows(rows, page, |row| row.member_id);
    let (Some(newest), Some(oldest)) = (rows.items.first(), rows.items.last()) else {
        return Ok(Page::default());
    };
    // The roles of this page's members only: their membership ids span newest..=oldest.
    let role_rows: Vec<MemberRoleRow> = sqlx::query_as(
        "SELECT mr.member_id, r.name FROM organization_member_roles mr
         JOIN organization_roles r ON r.id = mr.role_id
         WHERE r.organization_id = $1 AND mr.member_id BETWEEN $2 AND $3 ORDER BY r.name",
    )
    .bind(org_id)
    .bind(oldest.member_id)
    .bind(newest.member_id)
    .fetch_all(db.pool())
    .await?;
    let mut members = Vec::with_capacity(rows.items.len());
    for row in rows.items {
        let roles = role_rows
            .iter()
            .filter(|role| role.member_id == row.member_id)
            .map(|role| role.name.clone())
            .collect();
        members.push(Member {
            user_id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            joined_at: row.joined_at,
            roles,
        });
    }
    Ok(Page {
        items: members,
        next_before_id: rows.next_before_id,
    })
}

/// How many members the organization has.
pub async fn member_count(db: &Db, org_id: i64) -> Result<i64, Error> {
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM organization_members WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n)
}

/// The names of the roles `user_id` holds in the organization (none when not a member).
pub async fn member_roles(db: &Db, org_id: i64, user_id: i64) -> Result<Vec<String>, Error> {
    let names = sqlx::query_scalar(
        "SELECT r.name FROM organization_member_roles mr
         JOIN organization_members m ON m.id = mr.member_id
         JOIN organization_roles r ON r.id = mr.role_id
         WHERE m.organization_id = $1 AND m.user_id = $2 ORDER BY r.name",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(names)
}

pub async fn add_member(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    ip: Option<&str>,
) -> Result<(), Error> {
    users::get(db, user_id)
        .await
        .map_err(|_| Error::invalid("user_id", format!("User {user_id} does not exist.")))?;
    let mut tx = db.begin().await?;
    insert_member(&mut tx, org_id, user_id).await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "member.add",
            details: serde_json::json!({"user_id": user_id}),
            ip,
        },
    )
    .await?;
    Ok(())
}

/// Removes a member (their role assignments go with the membership). The last Admin cannot be
/// removed, so an organization always has someone who can manage it.
pub async fn remove_member(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    action: &str,
    ip: Option<&str>,
) -> Result<(), Error> {
    if user_id != actor.id {
        // Removing someone is managing them: not someone holding more than the actor.
        authorizer
            .require_may_manage(actor, org_id, user_id)
            .await?;
    }
    let mut tx = db.begin().await?;
    let member_id: i64 = sqlx::query_scalar(
        "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Error::not_found("That user is not a member of this organization."))?;
    if roles::is_last_admin(&mut tx, org_id, member_id).await? {
        return Err(Error::conflict(
            "This is the organization's last Admin. Give someone else the Admin role first.",
        ));
    }
    sqlx::query("DELETE FROM organization_members WHERE id = $1")
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM policy_statements WHERE organization_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action,
            details: serde_json::json!({"user_id": user_id}),
            ip,
        },
    )
    .await?;
    Ok(())
}

// --- requests ------------------------------------------------------------------------------

pub async fn request(
    db: &Db,
    actor: &CurrentUser,
    name: &str,
    description: &str,
    ip: Option<&str>,
) -> Result<OrgRequest, Error> {
    let (name, description) = clean_name_and_description(name, description)?;
    let mut tx = db.begin().await?;
    ensure_name_free(&mut tx, &name, None).await?;
    let pending = sqlx::query(
        "SELECT id FROM organization_requests WHERE LOWER(name) = LOWER($1) AND status = 'pending'",
    )
    .bind(&name)
    .fetch_optional(&mut *tx)
    .await?;
    if pending.is_some() {
        return Err(Error::conflict(format!(
            "A request for “{name}” is already waiting for review."
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organization_requests (name, description, requested_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&name)
    .bind(&description)
    .bind(actor.id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: None,
            action: "organization.request",
            details: serde_json::json!({"request_id": id, "name": name}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    get_request(db, id).await
}

async fn get_request(db: &Db, id: i64) -> Result<OrgRequest, Error> {
    list_requests_where(db, "r.id = $1", Some(id), &PageRequest::first())
        .await?
        .items
        .into_iter()
        .next()
        .ok_or_else(|| Error::not_found(format!("Organization request {id} does not exist.")))
}

async fn list_requests_where(
    db: &Db,
    filter: &str,
    id: Option<i64>,
    page: &PageRequest,
) -> Result<Page<OrgRequest>, Error> {
    // `filter` uses `$1` when it binds `id`; the page bounds come after it.
    let n = if id.is_some() { 2 } else { 1 };
    let sql = format!(
        "SELECT r.id, r.name, r.description, r.requested_by, u.username AS requested_by_name, r.status,
                r.review_notes, r.organization_id, r.created_at
         FROM organization_requests r JOIN users u ON u.id = r.requested_by
         WHERE {filter} AND r.id < ${n} ORDER BY r.id DESC LIMIT ${}",
        n + 1
    );
    let mut query = sqlx::query_as::<_, OrgRequest>(&sql);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let requests = query
        .bind(page.before())
        .bind(page.fetch_limit())
        .fetch_all(db.pool())
        .await?;
    Ok(Page::from_rows(requests, page, |r| r.id))
}

/// Site admins: every request, newest first. Users: their own. A page at a time.
pub async fn list_requests(
    db: &Db,
    actor: &CurrentUser,
    page: &PageRequest,
) -> Result<Page<OrgRequest>, Error> {
    if actor.is_at_least(GlobalLevel::Superadmin) {
        list_requests_where(db, "1 = 1", None, page).await
    } else {
        list_requests_where(db, "r.requested_by = $1", Some(actor.id), page).await
    }
}

/// SUPERADMIN approves (the organization is created, the requester becomes its Admin) or
/// rejects, with notes. One transaction.
pub async fn review_request(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    request_id: i64,
    approve: bool,
    notes: &str,
    ip: Option<&str>,
) -> Result<OrgRequest, Error> {
    if !actor.is_at_least(GlobalLevel::Superadmin) {
        return Err(Error::forbidden(
            "Only superadmins review organization requests.",
        ));
    }
    let notes = validate::optional_text("review_notes", notes, validate::DESCRIPTION_MAX)?;
    let request = get_request(db, request_id).await?;
    if request.status != "pending" {
        return Err(Error::conflict(format!(
            "This request was already {}.",
            request.status
        )));
    }
    let mut tx = db.begin().await?;
    let org_id = if approve {
        Some(
            create_in_tx(
                &mut tx,
                actor,
                request.requested_by,
                &request.name,
                &request.description,
                ip,
            )
            .await?,
        )
    } else {
        None
    };
    let updated = sqlx::query(
        "UPDATE organization_requests SET status = $1, reviewed_by = $2, review_notes = $3, organization_id = $4, reviewed_at = $5
         WHERE id = $6 AND status = 'pending'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(actor.id)
    .bind(if notes.is_empty() { None } else { Some(notes.clone()) })
    .bind(org_id)
    .bind(now_ms())
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(Error::conflict(
            "This request was reviewed by someone else just now.",
        ));
    }
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id,
            action: if approve {
                "organization.request_approve"
            } else {
                "organization.request_reject"
            },
            details: serde_json::json!({"request_id": request_id, "notes": notes}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(org_id) = org_id {
        authorizer.invalidate_org(org_id);
    }
    get_request(db, request_id).await
}

/// A membership row with its user (`list_members`).
#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: i64,
    username: String,
    display_name: Option<String>,
    joined_at: i64,
    member_id: i64,
}

/// One role a member holds (`list_members`).
#[derive(sqlx::FromRow)]
struct MemberRoleRow {
    member_id: i64,
    name: String,
}
