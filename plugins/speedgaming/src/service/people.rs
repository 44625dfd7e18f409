//! Finding the user for a person SpeedGaming names (a player or crew member), in this order:
//! 1. the user with that Discord id;
//! 2. only when SpeedGaming gave no Discord id: the one member of the organization whose
//!    Discord username is the person's Discord tag (`name` or `name#0`; a legacy `name#1234`
//!    is ignored — since Discord's unique usernames that name may be someone else's). A tag
//!    never brings a new user into the organization and is never remembered site-wide: tags
//!    go stale, and a stale one must not tie a SpeedGaming person to the wrong account;
//! 3. the user this SpeedGaming id was matched to before (`speedgaming_people`);
//! 4. else a new placeholder user (`users.is_placeholder`), carrying the person's Discord id
//!    when SpeedGaming gave one — so when that person signs in with Discord, the sign-in finds
//!    this very row and it becomes their real account (platform `users::upsert_discord`): the
//!    matches, memberships and crew entries stay theirs with nothing to move.
//!
//! Whoever is found by Discord id or remembered id becomes a member of the organization (the
//! tournament plugin names members only) and the SpeedGaming id is remembered — each only when
//! missing, so a person seen again writes nothing. Placeholders nobody's match names are removed after 30 idle days
//! ([`SpeedGaming::cleanup_placeholders`], the daily task).

use sdk::{Actor, Error};
use serde_json::json;

use super::SpeedGaming;
use crate::{
    repo::people::{self, NewPlaceholder},
    rules::{self, Person},
};

/// Who a person turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub user_id: i64,
    /// `discord_id`, `discord_tag`, `speedgaming_id` or `placeholder`.
    pub how: &'static str,
    /// A placeholder was made for them now.
    pub created: bool,
}

impl SpeedGaming {
    /// The user for `person` in the organization (see the module docs), as the system.
    pub async fn find_person(
        &self,
        org_id: i64,
        person: &Person,
        now: i64,
    ) -> Result<Found, Error> {
        let mut conn = self.db().pool().acquire().await?;
        let mut found = None;
        if let Some(discord_id) = person.discord_id.as_deref() {
            found = people::by_discord_id(&mut conn, discord_id)
                .await?
                .map(|id| (id, "discord_id"));
        }
        if found.is_none() && person.discord_id.is_none() {
            if let Some(name) = person.discord_username() {
                found = people::member_by_discord_username(&mut conn, org_id, &name)
                    .await?
                    .map(|id| (id, "discord_tag"));
            }
        }
        let remembered = people::by_speedgaming_id(&mut conn, person.id).await?;
        if found.is_none() {
            found = remembered.map(|id| (id, "speedgaming_id"));
        }
        let Some((user_id, how)) = found else {
            drop(conn);
            return self.create_placeholder(org_id, person, now).await;
        };
        let member = people::is_member(&mut conn, org_id, user_id).await?;
        drop(conn);
        // A tag match found a member already, and is not remembered (see the module docs).
        if how != "discord_tag" && (remembered != Some(user_id) || !member) {
            let mut tx = self.db().begin().await?;
            people::remember(&mut tx, person.id, user_id).await?;
            if !member {
                people::add_member(&mut tx, org_id, user_id, now).await?;
            }
            Actor::system()
                .audit(
                    &mut tx,
                    Some(org_id),
                    "speedgaming.person_matched",
                    json!({"user_id": user_id, "speedgaming_id": person.id, "by": how,
                           "added_to_organization": !member}),
                )
                .await?;
            tx.commit().await?;
            if !member {
                // A non-member's "no" may be cached: they are a member now, everywhere.
                self.platform.authorizer.membership_changed(org_id, user_id);
            }
        }
        Ok(Found {
            user_id,
            how,
            created: false,
        })
    }

    async fn create_placeholder(
        &self,
        org_id: i64,
        person: &Person,
        now: i64,
    ) -> Result<Found, Error> {
        let mut tx = self.db().begin().await?;
        let mut username = format!("sg-{}", person.id);
        let mut n = 1;
        while people::username_taken(&mut tx, &username).await? {
            n += 1;
            username = format!("sg-{}-{n}", person.id);
        }
        let display_name = person.shown_name();
        let discord_username = person.discord_username();
        let user_id = people::insert_placeholder(
            &mut tx,
            &NewPlaceholder {
                username: &username,
                display_name: &display_name,
                discord_id: person.discord_id.as_deref(),
                discord_username: discord_username.as_deref(),
            },
            now,
        )
        .await?;
        people::add_member(&mut tx, org_id, user_id, now).await?;
        people::remember(&mut tx, person.id, user_id).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "speedgaming.placeholder_create",
                json!({"user_id": user_id, "username": username, "speedgaming_id": person.id,
                       "discord_id": person.discord_id}),
            )
            .await?;
        tx.commit().await?;
        Ok(Found {
            user_id,
            how: "placeholder",
            created: true,
        })
    }

    /// Removes placeholders that changed nothing for 30 days and that no match names; never a
    /// real user. The number removed.
    pub async fn cleanup_placeholders(&self, now: i64) -> Result<usize, Error> {
        let mut tx = self.db().begin().await?;
        let idle = people::idle_placeholders(&mut tx, now - rules::PLACEHOLDER_IDLE_MS).await?;
        let mut removed = Vec::new();
        for (id, username) in &idle {
            if people::delete_placeholder(&mut tx, *id).await? {
                removed.push(json!({"user_id": id, "username": username}));
            }
        }
        if removed.is_empty() {
            return Ok(0);
        }
        Actor::system()
            .audit(
                &mut tx,
                None,
                "speedgaming.placeholder_cleanup",
                json!({"removed": removed}),
            )
            .await?;
        tx.commit().await?;
        Ok(removed.len())
    }
}
