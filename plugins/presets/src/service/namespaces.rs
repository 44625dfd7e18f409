//! Namespaces: the ones the actor may read, a page at a time, and creating one for the actor or
//! for the organization the call is made from.

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};

use super::{rights::same_tenant, Presets};
use crate::{
    actions,
    events::NamespaceCreated,
    model::{Namespace, NamespaceOwner, NamespaceRights},
    repo::{self, NamespaceRow},
    rules::{clean_description, clean_display_name, clean_slug, rights},
};

pub struct NamespaceInput {
    pub slug: String,
    pub display_name: String,
    pub description: String,
    pub is_public: bool,
    /// Owned by the organization the call is made from (needs `namespace:manage` there), not
    /// by the actor.
    pub for_organization: bool,
}

impl Presets {
    /// One page of the namespaces the actor owns, has grants in, or that belong to `org_id`,
    /// among those the actor may read. Rights are decided after reading, so a page may hold
    /// fewer than its size; `next_before_id` still says where the next one starts. Another
    /// organization's namespace is listed read-only.
    pub async fn list_namespaces(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<Namespace>, Error> {
        let rows = repo::namespaces_for(self.db(), actor.user_id(), org_id, page).await?;
        let mut out = Vec::new();
        for ns in rows.items {
            let f = self.facts(org_id, actor, &ns).await?;
            let mut r = rights(&f);
            if r.read {
                if same_tenant(org_id, actor, &ns).is_err() {
                    r = NamespaceRights {
                        read: true,
                        ..Default::default()
                    };
                }
                out.push(to_namespace(ns, r));
            }
        }
        Ok(Page {
            items: out,
            next_before_id: rows.next_before_id,
        })
    }

    pub async fn create_namespace(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        input: NamespaceInput,
        now: i64,
    ) -> Result<Namespace, Error> {
        let user_id = actor.id()?;
        let slug = clean_slug(&input.slug)?;
        let display_name = clean_display_name(&input.display_name)?;
        let description = clean_description(&input.description)?;
        let owner_org_id = if input.for_organization {
            let org = org_id.ok_or_else(|| {
                Error::invalid(
                    "for_organization",
                    "Create organization namespaces from the organization's pages.",
                )
            })?;
            if !self
                .org_allows(actor, org, actions::NAMESPACE_MANAGE)
                .await?
            {
                return Err(Error::forbidden(
                    "You may not create namespaces for this organization (needs namespace:manage).",
                ));
            }
            Some(org)
        } else {
            None
        };
        let mut tx = self.db().begin().await?;
        let id = repo::insert_namespace(
            &mut tx,
            &repo::NewNamespace {
                slug: &slug,
                display_name: &display_name,
                description: &description,
                owner_user_id: if owner_org_id.is_some() {
                    None
                } else {
                    Some(user_id)
                },
                owner_org_id,
                is_public: input.is_public,
                created_by: user_id,
            },
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                owner_org_id,
                "namespace.create",
                serde_json::json!({"namespace_id": id, "slug": slug}),
            )
            .await?;
        tx.commit().await?;
        self.platform.events.emit(
            owner_org_id,
            Some(user_id),
            NamespaceCreated {
                namespace_id: id,
                slug: slug.clone(),
                owner_org_id,
            },
        );
        let ns = repo::namespace_by_id(self.db(), id)
            .await?
            .ok_or_else(|| Error::internal("namespace vanished after insert"))?;
        let f = self.facts(org_id, actor, &ns).await?;
        Ok(to_namespace(ns, rights(&f)))
    }

    /// The namespace `slug`, which the actor manages from here (its owner, or for an
    /// organization's, a member with `namespace:manage` acting from it).
    pub(super) async fn managed_namespace(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        slug: &str,
    ) -> Result<NamespaceRow, Error> {
        let (ns, f) = self
            .namespace_named(org_id, actor, &slug.trim().to_lowercase())
            .await?;
        same_tenant(org_id, actor, &ns)?;
        if !rights(&f).manage {
            return Err(Error::forbidden(format!(
                "Only the namespace's owner (or, for an organization's, members with namespace:manage) manage {}.",
                ns.slug
            )));
        }
        Ok(ns)
    }
}

fn to_namespace(ns: NamespaceRow, rights: NamespaceRights) -> Namespace {
    Namespace {
        id: ns.id,
        owner: match (ns.owner_user_id, ns.owner_org_id) {
            (_, Some(org_id)) => NamespaceOwner::Organization {
                org_id,
                name: ns.owner_name.clone(),
            },
            (user_id, None) => NamespaceOwner::User {
                user_id: user_id.unwrap_or_default(),
                name: ns.owner_name.clone(),
            },
        },
        slug: ns.slug,
        display_name: ns.display_name,
        description: ns.description,
        is_public: ns.is_public,
        preset_count: ns.preset_count,
        rights,
    }
}
