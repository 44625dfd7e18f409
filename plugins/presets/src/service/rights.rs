//! The facts [`crate::rules::rights`] decides on, loaded for one actor and namespace, and the
//! tenant rule: an organization's namespace is changed only from that organization.

use sdk::{Actor, Error};

use super::{is_superadmin, Presets};
use crate::{
    actions,
    repo::{self, NamespaceRow},
    rules::{rights, Facts, OrgStanding},
    PLUGIN_ID,
};

impl Presets {
    /// What is true of `actor`, acting from `org_id`, in the namespace `ns`.
    pub(super) async fn facts(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        ns: &NamespaceRow,
    ) -> Result<Facts, Error> {
        let user_id = actor.user_id();
        // An organization that switched Presets off keeps its namespaces to itself: only their
        // public presets remain visible elsewhere.
        let owner_has_presets = match ns.owner_org_id {
            Some(org) => self.platform.plugins.is_enabled(org, PLUGIN_ID).await?,
            None => true,
        };
        let grant = match user_id {
            Some(id) if owner_has_presets => repo::grant_of(self.db(), ns.id, id).await?,
            _ => None,
        };
        // The caller's standing in the owning organization counts only when acting from it.
        let acting_from_owner = ns.owner_org_id.is_some() && ns.owner_org_id == org_id;
        let org = match ns.owner_org_id {
            Some(org)
                if actor.user.is_some()
                    && owner_has_presets
                    && (acting_from_owner || is_superadmin(actor)) =>
            {
                OrgStanding {
                    read: self.org_allows(actor, org, actions::PRESET_READ).await?,
                    create: self.org_allows(actor, org, actions::PRESET_CREATE).await?,
                    update: self.org_allows(actor, org, actions::PRESET_UPDATE).await?,
                    delete: self.org_allows(actor, org, actions::PRESET_DELETE).await?,
                    manage: self
                        .org_allows(actor, org, actions::NAMESPACE_MANAGE)
                        .await?,
                }
            }
            _ => OrgStanding::default(),
        };
        Ok(Facts {
            superadmin: is_superadmin(actor),
            is_owner_user: user_id.is_some() && ns.owner_user_id == user_id,
            owned_by_org: ns.owner_org_id.is_some(),
            namespace_public: ns.is_public,
            grant,
            org,
        })
    }

    /// The namespace `slug` with the actor's facts in it; NotFound when it does not exist or
    /// the actor may not read it (a private namespace does not exist for outsiders).
    pub(super) async fn namespace_named(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        slug: &str,
    ) -> Result<(NamespaceRow, Facts), Error> {
        let ns = repo::namespace_by_slug(self.db(), slug)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no namespace `{slug}`.")))?;
        let facts = self.facts(org_id, actor, &ns).await?;
        if !rights(&facts).read {
            return Err(Error::not_found(format!("There is no namespace `{slug}`.")));
        }
        Ok((ns, facts))
    }
}

/// Changes to an organization's namespace are made from that organization (or by a superadmin).
pub(super) fn same_tenant(
    org_id: Option<i64>,
    actor: &Actor,
    ns: &NamespaceRow,
) -> Result<(), Error> {
    match ns.owner_org_id {
        Some(owner) if org_id != Some(owner) && !is_superadmin(actor) => Err(Error::forbidden(format!(
            "The namespace {} belongs to another organization; change it from that organization's pages.",
            ns.slug
        ))),
        _ => Ok(()),
    }
}
