//! The delivery logs: what was sent to me (any member, their own rows) and everything sent in
//! the organization (admins), with a retry for dead letters.

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};
use serde_json::json;

use super::Notifications;
use crate::{actions, model::Delivery, repo};

/// The statuses a log can be filtered by.
pub const STATUSES: [&str; 4] = ["pending", "sent", "dead", "cancelled"];

impl Notifications {
    /// The caller's own deliveries in the organization, newest first.
    pub async fn my_deliveries(
        &self,
        org_id: i64,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, Error> {
        self.require(actor, org_id, actions::SUBSCRIBE).await?;
        let user_id = actor.id()?;
        repo::outbox::list(self.db(), org_id, Some(user_id), None, page).await
    }

    /// Every delivery of the organization, newest first, optionally only one status.
    pub async fn org_deliveries(
        &self,
        org_id: i64,
        actor: &Actor,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, Error> {
        self.require(actor, org_id, actions::ADMIN).await?;
        let status = status.map(str::trim).filter(|s| !s.is_empty());
        if let Some(status) = status {
            if !STATUSES.contains(&status) {
                return Err(Error::invalid(
                    "status",
                    format!(
                        "`{status}` is not a status; use one of {}",
                        STATUSES.join(", ")
                    ),
                ));
            }
        }
        repo::outbox::list(self.db(), org_id, None, status, page).await
    }

    /// Queues a dead letter of the organization again with fresh attempts and tries it at
    /// once; the delivery after that try.
    pub async fn retry(
        &self,
        org_id: i64,
        actor: &Actor,
        delivery_id: i64,
        now: i64,
    ) -> Result<Delivery, Error> {
        self.require(actor, org_id, actions::ADMIN).await?;
        let mut tx = self.db().begin().await?;
        if !repo::outbox::requeue_dead(&mut tx, org_id, delivery_id, now).await? {
            return Err(Error::not_found(
                "There is no failed delivery with that id in this organization.",
            ));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "notifications.retry",
                json!({"delivery_id": delivery_id}),
            )
            .await?;
        tx.commit().await?;
        self.deliver_one(delivery_id, now).await?;
        repo::outbox::get(self.db(), org_id, delivery_id)
            .await?
            .ok_or_else(|| Error::not_found("The delivery is gone."))
    }
}
