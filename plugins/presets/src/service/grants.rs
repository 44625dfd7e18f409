//! Per-user grants in a namespace: who may create, update or delete presets there besides its
//! owner (or its organization's policies). Only the namespace's managers see and change them.

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};

use super::Presets;
use crate::{model::NamespaceGrant, repo};

impl Presets {
    /// One page of the grants of the namespace `slug` (managers only).
    pub async fn grants(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        slug: &str,
        page: &PageRequest,
    ) -> Result<Page<NamespaceGrant>, Error> {
        let ns = self.managed_namespace(org_id, actor, slug).await?;
        repo::grants(self.db(), ns.id, page).await
    }

    /// Grants `user_id` (create, update, delete) in the namespace `slug`; all three false
    /// removes the grant. Answers the user's grant as it now stands (none once removed).
    pub async fn grant(
        &self,
        org_id: Option<i64>,
        actor: &Actor,
        slug: &str,
        user_id: i64,
        rights_given: [bool; 3],
        now: i64,
    ) -> Result<Option<NamespaceGrant>, Error> {
        actor.id()?;
        let ns = self.managed_namespace(org_id, actor, slug).await?;
        let target = sdk::identity::lookup::find(self.db(), user_id)
            .await?
            .ok_or_else(|| Error::invalid("user_id", format!("There is no user {user_id}.")))?;
        if ns.owner_user_id == Some(target.id) {
            return Err(Error::invalid(
                "user_id",
                "The owner already has every right here.",
            ));
        }
        let mut tx = self.db().begin().await?;
        repo::set_grant(&mut tx, ns.id, target.id, rights_given, now).await?;
        actor
            .audit(
                &mut tx,
                ns.owner_org_id,
                "namespace.grant",
                serde_json::json!({"namespace": ns.slug, "user_id": target.id, "rights": rights_given}),
            )
            .await?;
        tx.commit().await?;
        repo::grant_row(self.db(), ns.id, target.id).await
    }
}
