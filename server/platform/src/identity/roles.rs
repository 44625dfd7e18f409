//! Roles in an organization: the built-in ones (actions from code) and custom ones (stored
//! ALLOW/DENY statements), their assignment to members, and direct statements for one member.

pub use super::model::Role;
use sqlx::{Any, Transaction};

use super::{commit_org_change, validate};
use crate::authorizer::{Authorizer, StatementRow};
use sdk::{
    audit::{record, AuditEntry},
    auth::{
        policy::{builtin_role, validate_pattern, Statement, ADMIN_ROLE, BUILTIN_ROLES},
        CurrentUser,
    },
    db::{now_ms, Db, Flag},
    Error,
};

pub(crate) async fn seed_builtin_roles(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    actor_id: i64,
) -> Result<(), Error> {
    for role in BUILTIN_ROLES {
        sqlx::query(
            "INSERT INTO organization_roles (organization_id, name, description, is_builtin, is_locked, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org_id)
        .bind(role.name)
        .bind(role.description)
        .bind(true)
        .bind(role.locked)
        .bind(actor_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn role_id_by_name<'e, E>(executor: E, org_id: i64, name: &str) -> Result<i64, Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let id = sqlx::query_scalar(
        "SELECT id FROM organization_roles WHERE organization_id = $1 AND name = $2",
    )
    .bind(org_id)
    .bind(name.trim())
    .fetch_optional(executor)
    .await?
    .ok_or_else(|| {
        Error::invalid(
            "role",
            format!("This organization has no role named “{}”.", name.trim()),
        )
    })?;
    Ok(id)
}

async fn member_id(tx: &mut Transaction<'_, Any>, org_id: i64, user_id: i64) -> Result<i64, Error> {
    let id = sqlx::query_scalar(
        "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| Error::invalid("user_id", "That user is not a member of this organization."))?;
    Ok(id)
}

pub(crate) async fn assign_by_name(
    tx: &mut Transaction<'_, Any>,
    member_id: i64,
    org_id: i64,
    role: &str,
    actor_id: i64,
) -> Result<(), Error> {
    let role_id = role_id_by_name(&mut **tx, org_id, role).await?;
    sqlx::query(
        "INSERT INTO organization_member_roles (member_id, role_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(member_id)
    .bind(role_id)
    .bind(actor_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(Error::conflict_if_duplicate("The member already has that role."))?;
    Ok(())
}

/// True when `member_id` holds the Admin role and nobody else in the organization does.
pub(crate) async fn is_last_admin(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    member_id: i64,
) -> Result<bool, Error> {
    let admins: Vec<i64> = sqlx::query_scalar(
        "SELECT mr.member_id FROM organization_member_roles mr
         JOIN organization_roles r ON r.id = mr.role_id
         WHERE r.organization_id = $1 AND r.name = $2 AND r.is_builtin = $3",
    )
    .bind(org_id)
    .bind(ADMIN_ROLE)
    .bind(true)
    .fetch_all(&mut **tx)
    .await?;
    Ok(admins == vec![member_id])
}

pub async fn list(db: &Db, org_id: i64) -> Result<Vec<Role>, Error> {
    let rows: Vec<RoleRow> = sqlx::query_as(
        "SELECT r.id, r.name, r.description, r.is_builtin, r.is_locked,
                (SELECT COUNT(*) FROM organization_member_roles mr WHERE mr.role_id = r.id) AS member_count
         FROM organization_roles r WHERE r.organization_id = $1 ORDER BY r.is_builtin DESC, r.name",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    let stored: Vec<RoleStatementRow> = sqlx::query_as("SELECT role_id, effect, actions, resources FROM policy_statements WHERE organization_id = $1 AND role_id IS NOT NULL ORDER BY id")
        .bind(org_id)
        .fetch_all(db.pool())
        .await?;
    let mut roles = Vec::with_capacity(rows.len());
    for row in rows {
        let RoleRow {
            id,
            name,
            description,
            is_builtin,
            is_locked,
            member_count,
        } = row;
        let mut statements: Vec<Statement> = if is_builtin {
            builtin_role(&name)
                .map(|r| vec![Statement::allow(r.actions)])
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        for s in &stored {
            if s.role_id == id {
                statements.push(Statement::try_from(s.statement.clone())?);
            }
        }
        roles.push(Role {
            id,
            name,
            description,
            is_builtin,
            is_locked,
            statements,
            member_count,
        });
    }
    Ok(roles)
}

fn clean_statements(statements: &[Statement]) -> Result<Vec<Statement>, Error> {
    if statements.len() > 50 {
        return Err(Error::invalid(
            "statements",
            "at most 50 statements per role",
        ));
    }
    let document = serde_json::to_value(statements).map_err(Error::internal)?;
    sdk::input::check_document_budget("statements", &document)?;
    statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let field = format!("statements[{i}].actions");
            if s.actions.is_empty() {
                return Err(Error::invalid(
                    field,
                    "name at least one action, e.g. `tournament:*`",
                ));
            }
            for pattern in &s.actions {
                validate_pattern(pattern).map_err(|m| Error::invalid(field.clone(), m))?;
            }
            if s.resources.iter().any(|r| r.trim().is_empty()) {
                return Err(Error::invalid(
                    format!("statements[{i}].resources"),
                    "resource patterns must not be empty",
                ));
            }
            Ok(Statement {
                effect: s.effect,
                actions: s.actions.iter().map(|a| a.trim().to_string()).collect(),
                resources: if s.resources.is_empty() {
                    vec!["*".into()]
                } else {
                    s.resources.clone()
                },
            })
        })
        .collect()
}

async fn insert_statements(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    role_id: Option<i64>,
    user_id: Option<i64>,
    statements: &[Statement],
    actor_id: i64,
) -> Result<(), Error> {
    for s in statements {
        sqlx::query(
            "INSERT INTO policy_statements (organization_id, role_id, user_id, effect, actions, resources, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(org_id)
        .bind(role_id)
        .bind(user_id)
        .bind(s.effect.as_str())
        .bind(serde_json::to_string(&s.actions).map_err(Error::internal)?)
        .bind(serde_json::to_string(&s.resources).map_err(Error::internal)?)
        .bind(actor_id)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The most roles one organization may have (built-in ones included): roles are listed whole,
/// not paged, and this keeps that list short.
pub const MAX_ROLES: i64 = 100;

/// A custom role with its statements.
#[allow(clippy::too_many_arguments)] // who acts, where, what: like every role service
pub async fn create(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    name: &str,
    description: &str,
    statements: &[Statement],
    ip: Option<&str>,
) -> Result<Role, Error> {
    let name = validate::text("name", name, 64)?;
    let description = validate::optional_text("description", description, 500)?;
    let statements = clean_statements(statements)?;
    authorizer
        .require_may_grant(actor, org_id, &statements)
        .await?;
    let mut tx = db.begin().await?;
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM organization_roles WHERE organization_id = $1",
    )
    .bind(org_id)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_ROLES {
        return Err(Error::conflict(format!(
            "An organization has at most {MAX_ROLES} roles; delete one it no longer uses first."
        )));
    }
    let role_id: i64 = sqlx::query_scalar(
        "INSERT INTO organization_roles (organization_id, name, description, is_builtin, is_locked, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(&name)
    .bind(&description)
    .bind(false)
    .bind(false)
    .bind(actor.id)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(Error::conflict_if_duplicate(format!("This organization already has a role named “{name}”.")))?;
    insert_statements(&mut tx, org_id, Some(role_id), None, &statements, actor.id).await?;
    record(
        &mut *tx,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "role.create",
            details: serde_json::json!({"role": name, "statements": statements}),
            ip,
        },
    )
    .await?;
    tx.commit().await?;
    list(db, org_id)
        .await?
        .into_iter()
        .find(|r| r.id == role_id)
        .ok_or_else(|| Error::internal("created role vanished"))
}

async fn editable_role(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    role_id: i64,
) -> Result<String, Error> {
    let row: EditableRoleRow = sqlx::query_as(
        "SELECT name, is_locked FROM organization_roles WHERE id = $1 AND organization_id = $2",
    )
    .bind(role_id)
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| {
        Error::not_found(format!(
            "Role {role_id} does not exist in this organization."
        ))
    })?;
    let EditableRoleRow { name, is_locked } = row;
    if is_locked {
        return Err(Error::forbidden(format!(
            "The built-in role “{name}” is locked and cannot be changed."
        )));
    }
    Ok(name)
}

/// Replaces the stored statements of a role that is not locked.
pub async fn set_statements(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    role_id: i64,
    statements: &[Statement],
    ip: Option<&str>,
) -> Result<(), Error> {
    let statements = clean_statements(statements)?;
    // What the role gave before and gives after must both be within the editor's own rights:
    // lifting a DENY gives as much as adding an ALLOW.
    let mut changed = authorizer.role_statements(org_id, role_id).await?;
    changed.extend(statements.iter().cloned());
    authorizer
        .require_may_grant(actor, org_id, &changed)
        .await?;
    let mut tx = db.begin().await?;
    let name = editable_role(&mut tx, org_id, role_id).await?;
    sqlx::query("DELETE FROM policy_statements WHERE organization_id = $1 AND role_id = $2")
        .bind(org_id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    insert_statements(&mut tx, org_id, Some(role_id), None, &statements, actor.id).await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "role.update",
            details: serde_json::json!({"role": name, "statements": statements}),
            ip,
        },
    )
    .await?;
    Ok(())
}

pub async fn delete(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    role_id: i64,
    ip: Option<&str>,
) -> Result<(), Error> {
    // Deleting a role lifts its DENYs from its members: only for someone holding all it names.
    let gave = authorizer.role_statements(org_id, role_id).await?;
    authorizer.require_may_grant(actor, org_id, &gave).await?;
    let mut tx = db.begin().await?;
    let name = editable_role(&mut tx, org_id, role_id).await?;
    sqlx::query("DELETE FROM organization_roles WHERE id = $1 AND organization_id = $2")
        .bind(role_id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "role.delete",
            details: serde_json::json!({"role": name}),
            ip,
        },
    )
    .await?;
    Ok(())
}

/// The escalation rules for giving or taking a role (see `auth::escalation`): not one's own, not
/// from or to someone holding more, the Admin role only by an Admin, and only a role whose
/// rights the actor holds.
async fn require_may_change_role(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    role: &str,
) -> Result<(), Error> {
    let role_id = role_id_by_name(db.pool(), org_id, role).await?;
    authorizer
        .require_may_manage(actor, org_id, user_id)
        .await?;
    if role.trim() == ADMIN_ROLE {
        authorizer.require_org_admin(actor, org_id).await?;
    }
    let gives = authorizer.role_statements(org_id, role_id).await?;
    authorizer.require_may_grant(actor, org_id, &gives).await
}

pub async fn assign(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    role: &str,
    ip: Option<&str>,
) -> Result<(), Error> {
    require_may_change_role(db, authorizer, actor, org_id, user_id, role).await?;
    let mut tx = db.begin().await?;
    let member_id = member_id(&mut tx, org_id, user_id).await?;
    assign_by_name(&mut tx, member_id, org_id, role, actor.id).await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "role.assign",
            details: serde_json::json!({"user_id": user_id, "role": role.trim()}),
            ip,
        },
    )
    .await?;
    Ok(())
}

pub async fn unassign(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    role: &str,
    ip: Option<&str>,
) -> Result<(), Error> {
    require_may_change_role(db, authorizer, actor, org_id, user_id, role).await?;
    let mut tx = db.begin().await?;
    let member_id = member_id(&mut tx, org_id, user_id).await?;
    let role_id = role_id_by_name(&mut *tx, org_id, role).await?;
    if role.trim() == ADMIN_ROLE && is_last_admin(&mut tx, org_id, member_id).await? {
        return Err(Error::conflict(
            "This is the organization's last Admin. Give someone else the Admin role first.",
        ));
    }
    let removed =
        sqlx::query("DELETE FROM organization_member_roles WHERE member_id = $1 AND role_id = $2")
            .bind(member_id)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() == 0 {
        return Err(Error::not_found("The member does not have that role."));
    }
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "role.unassign",
            details: serde_json::json!({"user_id": user_id, "role": role.trim()}),
            ip,
        },
    )
    .await?;
    Ok(())
}

/// Replaces a member's direct statements (given to them alone, not through a role).
pub async fn set_user_statements(
    db: &Db,
    authorizer: &Authorizer,
    actor: &CurrentUser,
    org_id: i64,
    user_id: i64,
    statements: &[Statement],
    ip: Option<&str>,
) -> Result<(), Error> {
    let statements = clean_statements(statements)?;
    authorizer
        .require_may_manage(actor, org_id, user_id)
        .await?;
    let mut changed = authorizer.direct_statements(org_id, user_id).await?;
    changed.extend(statements.iter().cloned());
    authorizer
        .require_may_grant(actor, org_id, &changed)
        .await?;
    let mut tx = db.begin().await?;
    member_id(&mut tx, org_id, user_id).await?;
    sqlx::query("DELETE FROM policy_statements WHERE organization_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    insert_statements(&mut tx, org_id, None, Some(user_id), &statements, actor.id).await?;
    commit_org_change(
        tx,
        authorizer,
        org_id,
        AuditEntry {
            user_id: Some(actor.id),
            org_id: Some(org_id),
            action: "policy.user_update",
            details: serde_json::json!({"user_id": user_id, "statements": statements}),
            ip,
        },
    )
    .await?;
    Ok(())
}

/// An `organization_roles` row with its member count (`list`).
#[derive(sqlx::FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    description: String,
    #[sqlx(try_from = "Flag")]
    is_builtin: bool,
    #[sqlx(try_from = "Flag")]
    is_locked: bool,
    member_count: i64,
}

/// A role's stored statement (`list`).
#[derive(sqlx::FromRow)]
struct RoleStatementRow {
    role_id: i64,
    #[sqlx(flatten)]
    statement: StatementRow,
}

/// What `editable_role` reads.
#[derive(sqlx::FromRow)]
struct EditableRoleRow {
    name: String,
    #[sqlx(try_from = "Flag")]
    is_locked: bool,
}
