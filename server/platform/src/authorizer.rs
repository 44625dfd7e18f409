//! Answers "may this user do this action in this organization?" from the database, with a
//! per-(user, organization) cache.
//!
//! Every service that changes memberships, roles or statements calls [`Authorizer::invalidate_org`]
//! (or `invalidate_user`) in the same breath, so this process never serves a stale answer. Once
//! [`Authorizer::connect`]ed to the event bus, an invalidation is also announced as
//! `core.access_changed`, which other instances sharing a PostgreSQL database receive and apply at
//! once; [`CACHE_TTL`] bounds staleness should a notification be lost.

use std::{
    collections::HashMap,
    sync::{Arc, OnceLock, RwLock},
    time::{Duration, Instant},
};

use sdk::auth::{
    actions::ActionRegistry,
    escalation,
    policy::{builtin_role, evaluate, Effect, Statement, ADMIN_ROLE},
    CurrentUser, GlobalLevel,
};
use sdk::{
    db::Db,
    events::{system::AccessChanged, EventBus},
    Error,
};

pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// The most (user, organization) answers kept. Any signed-in user can make the server look up
/// pairs (one per organization id they name), so the cache must not grow with what callers send:
/// past this, expired answers go first, then the oldest.
pub const MAX_CACHED_ANSWERS: usize = 10_000;

pub use sdk::context::Decision;

#[derive(Debug)]
struct Cached {
    /// None: not a member.
    statements: Option<Arc<Vec<Statement>>>,
    loaded: Instant,
}

#[derive(Debug)]
pub struct Authorizer {
    db: Db,
    /// Where plugin manifests' grants to built-in roles come from.
    actions: Arc<ActionRegistry>,
    cache: RwLock<HashMap<(i64, i64), Cached>>,
    /// Where invalidations are announced to other instances (see [`Authorizer::connect`]).
    bus: OnceLock<Arc<EventBus>>,
}

impl Authorizer {
    /// An authorizer knowing only the platform's actions.
    pub fn new(db: Db) -> Self {
        Self::with_actions(db, Arc::new(ActionRegistry::with_core()))
    }

    /// An authorizer whose built-in roles also hold what loaded plugins grant them.
    pub fn with_actions(db: Db, actions: Arc<ActionRegistry>) -> Self {
        Self {
            db,
            actions,
            cache: RwLock::new(HashMap::new()),
            bus: OnceLock::new(),
        }
    }

    /// Global ADMIN+ → allowed; not a member → NotMember; DENY wins; any ALLOW; else Denied.
    pub async fn decide(
        &self,
        user: &CurrentUser,
        org_id: i64,
        action: &str,
    ) -> Result<Decision, Error> {
        if user.is_at_least(GlobalLevel::Admin) {
            return Ok(Decision::Allowed);
        }
        let Some(statements) = self.statements(user.id, org_id).await? else {
            return Ok(Decision::NotMember);
        };
        Ok(if evaluate(statements.iter(), action, "*") {
            Decision::Allowed
        } else {
            Decision::Denied
        })
    }

    pub async fn allowed(
        &self,
        user: &CurrentUser,
        org_id: i64,
        action: &str,
    ) -> Result<bool, Error> {
        Ok(self.decide(user, org_id, action).await? == Decision::Allowed)
    }

    /// How many answers are cached (never more than [`MAX_CACHED_ANSWERS`]).
    pub fn cached_answers(&self) -> usize {
        self.cache.read().map(|c| c.len()).unwrap_or(0)
    }

    pub async fn is_member(&self, user_id: i64, org_id: i64) -> Result<bool, Error> {
        Ok(self.statements(user_id, org_id).await?.is_some())
    }

    /// What `user` holds in the organization for comparing rights (read fresh, not from the
    /// cache): None for a site admin, who holds everything. An Admin of the organization holds
    /// everything there except what a DENY takes away; a non-member holds nothing.
    async fn holdings(
        &self,
        user: &CurrentUser,
        org_id: i64,
    ) -> Result<Option<Vec<Statement>>, Error> {
        if user.is_at_least(GlobalLevel::Admin) {
            return Ok(None);
        }
        self.member_holdings(user.id, org_id).await.map(Some)
    }

    async fn member_holdings(&self, user_id: i64, org_id: i64) -> Result<Vec<Statement>, Error> {
        let mut held = load_statements(&self.db, &self.actions, user_id, org_id)
            .await?
            .unwrap_or_default();
        if holds_role(&self.db, user_id, org_id, ADMIN_ROLE).await? {
            held.push(Statement::allow(&["*"]));
        }
        Ok(held)
    }

    /// Refuses (403, naming the action) when `actor` would grant, deny or lift an action in
    /// `statements` that they do not hold themselves. See [`escalation`].
    pub async fn require_may_grant(
        &self,
        actor: &CurrentUser,
        org_id: i64,
        statements: &[Statement],
    ) -> Result<(), Error> {
        let Some(held) = self.holdings(actor, org_id).await? else {
            return Ok(());
        };
        match escalation::first_missing_for_statements(&held, self.actions.all(), statements) {
            Some(action) => Err(Error::forbidden(format!(
                "You cannot give or take `{action}`: you do not hold it yourself."
            ))),
            None => Ok(()),
        }
    }

    /// Refuses (403) when `actor` may not change the roles, statements or membership of
    /// `target_user_id`: their own, or a member holding an action the actor does not.
    pub async fn require_may_manage(
        &self,
        actor: &CurrentUser,
        org_id: i64,
        target_user_id: i64,
    ) -> Result<(), Error> {
        if target_user_id == actor.id {
            return Err(Error::forbidden(
                "You cannot change your own roles or permissions; ask another Admin.",
            ));
        }
        let Some(held) = self.holdings(actor, org_id).await? else {
            return Ok(());
        };
        let target = self.member_holdings(target_user_id, org_id).await?;
        match escalation::first_missing_to_manage(&held, &target, self.actions.all()) {
            Some(action) => Err(Error::forbidden(format!(
                "You cannot change this member: they hold `{action}`, which you do not."
            ))),
            None => Ok(()),
        }
    }

    /// Refuses (403) unless `actor` is an Admin of the organization or a site admin: only they
    /// give or take the Admin role.
    pub async fn require_org_admin(&self, actor: &CurrentUser, org_id: i64) -> Result<(), Error> {
        if actor.is_at_least(GlobalLevel::Admin)
            || holds_role(&self.db, actor.id, org_id, ADMIN_ROLE).await?
        {
            return Ok(());
        }
        Err(Error::forbidden(
            "Only an Admin of the organization can give or take the Admin role.",
        ))
    }

    /// Everything a role gives its members: a built-in role's actions from code and from plugin
    /// grants, plus its stored statements. Empty when the role does not exist.
    pub async fn role_statements(
        &self,
        org_id: i64,
        role_id: i64,
    ) -> Result<Vec<Statement>, Error> {
        let Some(role) = sqlx::query_as::<_, BuiltinFlagRow>(
            "SELECT name, is_builtin FROM organization_roles WHERE id = $1 AND organization_id = $2",
        )
        .bind(role_id)
        .bind(org_id)
        .fetch_optional(self.db.pool())
        .await?
        else {
            return Ok(Vec::new());
        };
        let mut statements = Vec::new();
        if role.is_builtin {
            statements.extend(builtin_role_statements(&self.actions, &role.name));
        }
        let stored: Vec<StatementRow> = sqlx::query_as(
            "SELECT effect, actions, resources FROM policy_statements
             WHERE organization_id = $1 AND role_id = $2",
        )
        .bind(org_id)
        .bind(role_id)
        .fetch_all(self.db.pool())
        .await?;
        for row in stored {
            statements.push(Statement::try_from(row)?);
        }
        Ok(statements)
    }

    /// A member's direct statements (given to them alone).
    pub async fn direct_statements(
        &self,
        org_id: i64,
        user_id: i64,
    ) -> Result<Vec<Statement>, Error> {
        let rows: Vec<StatementRow> = sqlx::query_as(
            "SELECT effect, actions, resources FROM policy_statements
             WHERE organization_id = $1 AND user_id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_all(self.db.pool())
        .await?;
        rows.into_iter().map(Statement::try_from).collect()
    }

    /// Announces this authorizer's invalidations on `bus` and applies those of other instances.
    pub fn connect(self: &Arc<Self>, bus: Arc<EventBus>) {
        let this = Arc::downgrade(self);
        bus.listen::<AccessChanged, _, _>("core", move |envelope| {
            let this = this.clone();
            async move {
                if let Some(this) = this.upgrade() {
                    this.forget(envelope.org_id, envelope.event.user_id);
                }
                Ok(())
            }
        });
        self.bus.set(bus).ok();
    }

    pub fn invalidate_org(&self, org_id: i64) {
        self.forget(Some(org_id), None);
        self.announce(Some(org_id), None);
    }

    /// One member of one organization (joined, left, roles changed).
    pub fn invalidate_member(&self, org_id: i64, user_id: i64) {
        self.forget(Some(org_id), Some(user_id));
        self.announce(Some(org_id), Some(user_id));
    }

    pub fn invalidate_user(&self, user_id: i64) {
        self.forget(None, Some(user_id));
        self.announce(None, Some(user_id));
    }

    fn forget(&self, org_id: Option<i64>, user_id: Option<i64>) {
        if let Ok(mut cache) = self.cache.write() {
            cache.retain(|(user, org), _| match (org_id, user_id) {
                (Some(o), Some(u)) => !(*org == o && *user == u),
                (Some(o), None) => *org != o,
                (None, Some(u)) => *user != u,
                (None, None) => false,
            });
        }
    }

    fn announce(&self, org_id: Option<i64>, user_id: Option<i64>) {
        if let Some(bus) = self.bus.get() {
            bus.emit(org_id, None, AccessChanged { user_id });
        }
    }

    async fn statements(
        &self,
        user_id: i64,
        org_id: i64,
    ) -> Result<Option<Arc<Vec<Statement>>>, Error> {
        if let Ok(cache) = self.cache.read() {
            if let Some(hit) = cache
                .get(&(user_id, org_id))
                .filter(|c| c.loaded.elapsed() < CACHE_TTL)
            {
                return Ok(hit.statements.clone());
            }
        }
        let loaded = load_statements(&self.db, &self.actions, user_id, org_id)
            .await?
            .map(Arc::new);
        if let Ok(mut cache) = self.cache.write() {
            make_room(&mut cache);
            cache.insert(
                (user_id, org_id),
                Cached {
                    statements: loaded.clone(),
                    loaded: Instant::now(),
                },
            );
        }
        Ok(loaded)
    }
}

/// Keeps the cache under [`MAX_CACHED_ANSWERS`] before one more answer goes in.
fn make_room(cache: &mut HashMap<(i64, i64), Cached>) {
    if cache.len() < MAX_CACHED_ANSWERS {
        return;
    }
    cache.retain(|_, c| c.loaded.elapsed() < CACHE_TTL);
    while cache.len() >= MAX_CACHED_ANSWERS {
        let Some(oldest) = cache
            .iter()
            .min_by_key(|(_, c)| c.loaded)
            .map(|(key, _)| *key)
        else {
            break;
        };
        cache.remove(&oldest);
    }
}

/// The member's statements: built-in roles' from code, plus stored statements of their roles and
/// their direct ones. None when the user is not a member.
async fn load_statements(
    db: &Db,
    actions: &ActionRegistry,
    user_id: i64,
    org_id: i64,
) -> Result<Option<Vec<Statement>>, Error> {
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(member_id) = member else {
        return Ok(None);
    };

    let mut statements = Vec::new();
    let for_members = actions.role_grants(sdk::auth::policy::MEMBER_ROLE);
    if !for_members.is_empty() {
        statements.push(Statement::allow(&for_members));
    }
    let roles: Vec<BuiltinFlagRow> = sqlx::query_as(
        "SELECT r.name, r.is_builtin FROM organization_member_roles mr
         JOIN organization_roles r ON r.id = mr.role_id
         WHERE mr.member_id = $1",
    )
    .bind(member_id)
    .fetch_all(db.pool())
    .await?;
    for role in roles {
        if role.is_builtin {
            statements.extend(builtin_role_statements(actions, &role.name));
        }
    }
    let stored: Vec<StatementRow> = sqlx::query_as(
        "SELECT effect, actions, resources FROM policy_statements
         WHERE organization_id = $1
           AND (user_id = $2
                OR role_id IN (SELECT role_id FROM organization_member_roles WHERE member_id = $3))",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(member_id)
    .fetch_all(db.pool())
    .await?;
    for row in stored {
        statements.push(Statement::try_from(row)?);
    }
    Ok(Some(statements))
}

/// A built-in role's actions: from code, plus what plugin manifests grant it.
fn builtin_role_statements(actions: &ActionRegistry, name: &str) -> Vec<Statement> {
    let mut statements = Vec::new();
    if let Some(role) = builtin_role(name) {
        statements.push(Statement::allow(role.actions));
        let granted = actions.role_grants(name);
        if !granted.is_empty() {
            statements.push(Statement::allow(&granted));
        }
    }
    statements
}

/// Whether the member holds the built-in role `role`.
async fn holds_role(db: &Db, user_id: i64, org_id: i64, role: &str) -> Result<bool, Error> {
    let row = sqlx::query(
        "SELECT 1 FROM organization_member_roles mr
         JOIN organization_members m ON m.id = mr.member_id
         JOIN organization_roles r ON r.id = mr.role_id
         WHERE m.organization_id = $1 AND m.user_id = $2 AND r.name = $3 AND r.is_builtin = $4",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role)
    .bind(true)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.is_some())
}

/// A `policy_statements` row as stored: effect, actions JSON, resources JSON.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementRow {
    pub effect: String,
    pub actions: String,
    pub resources: String,
}

impl TryFrom<StatementRow> for Statement {
    type Error = Error;

    fn try_from(row: StatementRow) -> Result<Self, Error> {
        Ok(Statement {
            effect: Effect::parse(&row.effect)
                .ok_or_else(|| Error::internal(format!("bad effect {}", row.effect)))?,
            actions: serde_json::from_str(&row.actions).map_err(Error::internal)?,
            resources: serde_json::from_str(&row.resources).map_err(Error::internal)?,
        })
    }
}

/// A role's name and whether it is built in.
#[derive(sqlx::FromRow)]
struct BuiltinFlagRow {
    name: String,
    #[sqlx(try_from = "sdk::db::Flag")]
    is_builtin: bool,
}

/// Reads a `policy_statements` row (effect, actions JSON, resources JSON).
pub fn statement_from_row(row: &sqlx::any::AnyRow) -> Result<Statement, Error> {
    Statement::try_from(<StatementRow as sqlx::FromRow<_>>::from_row(row)?)
}
