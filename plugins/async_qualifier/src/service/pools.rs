//! Pools of seeds and their permalinks: create, change, read, and a qualifier's pools with the
//! runs a player has left in each.

use sdk::{Actor, Error};
use serde_json::json;

use super::Qualifiers;
use crate::{
    repo::{self, PermalinkRow, PoolRow},
    rules,
};

/// A pool with its permalinks and the runs the player asked about has left in it.
pub type PoolWithLinks = (PoolRow, Vec<PermalinkRow>, i64);

impl Qualifiers {
    pub async fn create_pool(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        name: &str,
        description: &str,
        now: i64,
    ) -> Result<PoolRow, Error> {
        let name = rules::clean_name("name", name, 100)?;
        let description = rules::clean_text("description", description, rules::NOTES_MAX)?;
        let mut tx = self.begin().await?;
        // A new pool is a new set of empty slots in every runner's score: a scoring write,
        // under the qualifier's lock like the others (which also outdates cached leaderboards).
        if !repo::lock_qualifier(&mut tx, org_id, qualifier_id).await? {
            return Err(Error::not_found(format!(
                "There is no async qualifier {qualifier_id} here."
            )));
        }
        let id = repo::insert_pool(&mut tx, qualifier_id, &name, &description, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.pool_create",
                json!({"qualifier_id": qualifier_id, "pool_id": id, "name": name}),
            )
            .await?;
        tx.commit().await?;
        self.pool(org_id, id).await
    }

    pub async fn update_pool(
        &self,
        org_id: i64,
        actor: &Actor,
        pool_id: i64,
        name: &str,
        description: &str,
    ) -> Result<PoolRow, Error> {
        let name = rules::clean_name("name", name, 100)?;
        let description = rules::clean_text("description", description, rules::NOTES_MAX)?;
        let pool = self.pool(org_id, pool_id).await?;
        let mut tx = self.begin().await?;
        repo::update_pool(&mut tx, pool_id, &name, &description).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.pool_update",
                json!({"qualifier_id": pool.qualifier_id, "pool_id": pool_id, "name": name}),
            )
            .await?;
        tx.commit().await?;
        self.pool(org_id, pool_id).await
    }

    pub async fn pool(&self, org_id: i64, pool_id: i64) -> Result<PoolRow, Error> {
        repo::pool(&mut *self.conn().await?, org_id, pool_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no pool {pool_id} here.")))
    }

    pub async fn create_permalink(
        &self,
        org_id: i64,
        actor: &Actor,
        pool_id: i64,
        url: &str,
        notes: &str,
        now: i64,
    ) -> Result<PermalinkRow, Error> {
        let url = rules::clean_url("url", url, false)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let pool = self.pool(org_id, pool_id).await?;
        let mut tx = self.begin().await?;
        let id = repo::insert_permalink(&mut tx, pool_id, &url, &notes, now).await?;
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.permalink_create",
            json!({"qualifier_id": pool.qualifier_id, "pool_id": pool_id, "permalink_id": id, "url": url}),
        )
        .await?;
        tx.commit().await?;
        self.permalink(org_id, id).await
    }

    pub async fn update_permalink(
        &self,
        org_id: i64,
        actor: &Actor,
        permalink_id: i64,
        url: &str,
        notes: &str,
    ) -> Result<PermalinkRow, Error> {
        let url = rules::clean_url("url", url, false)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let link = self.permalink(org_id, permalink_id).await?;
        let mut tx = self.begin().await?;
        repo::update_permalink(&mut tx, permalink_id, &url, &notes).await?;
        actor.audit(
            &mut tx,
            Some(org_id),
            "async_qualifier.permalink_update",
            json!({"qualifier_id": link.qualifier_id, "permalink_id": permalink_id, "url": url}),
        )
        .await?;
        tx.commit().await?;
        self.permalink(org_id, permalink_id).await
    }

    pub async fn permalink(&self, org_id: i64, permalink_id: i64) -> Result<PermalinkRow, Error> {
        repo::permalink(&mut *self.conn().await?, org_id, permalink_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no permalink {permalink_id} here.")))
    }

    /// One page of the qualifier's pools (newest first) with their permalinks and the runs
    /// `user_id` has left in each.
    pub async fn pools(
        &self,
        org_id: i64,
        qualifier_id: i64,
        user_id: Option<i64>,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<PoolWithLinks>, Error> {
        let q = self.qualifier(org_id, qualifier_id).await?;
        let mut conn = self.conn().await?;
        let pools = repo::pools_page(&mut conn, qualifier_id, page).await?;
        let links = repo::permalinks(&mut conn, qualifier_id).await?;
        let used = match user_id {
            Some(user) => repo::used_per_pool(&mut conn, qualifier_id, user).await?,
            None => Vec::new(),
        };
        Ok(pools.map(|pool| {
            let mine = used
                .iter()
                .find(|(p, _)| *p == pool.id)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            let of_pool = links
                .iter()
                .filter(|l| l.pool_id == pool.id)
                .cloned()
                .collect();
            (pool, of_pool, rules::remaining_runs(q.runs_per_pool, mine))
        }))
    }
}
