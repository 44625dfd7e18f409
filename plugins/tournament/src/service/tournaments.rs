//! Tournaments: creating, changing and archiving them, the reads every page starts from, and a
//! member's self-registration where the tournament allows it.

use sdk::{Actor, Error};
use serde_json::{json, Value};

use super::{calendar, no_tournament, viewer, Tournaments};
use crate::{
    events::{TournamentCreated, TournamentUpdated},
    model::Tournament,
    repo::{self, TournamentFields, TournamentRow},
    rules,
};

/// What a tournament is created or changed with.
#[derive(Debug, Clone, Default)]
pub struct TournamentInput {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    pub settings_form_schema: Option<Value>,
    pub randomizer: String,
    pub preset: String,
    /// Publish a public calendar feed (opt-in; see [`calendar`]).
    pub public_feed: bool,
}

impl TournamentInput {
    fn clean(&self) -> Result<TournamentFields, Error> {
        let schema = match &self.settings_form_schema {
            None | Some(Value::Null) => None,
            Some(schema) => {
                rules::check_settings_schema(schema)?;
                Some(schema.to_string())
            }
        };
        let optional = |field: &str, text: &str| -> Result<Option<String>, Error> {
            let text = rules::clean_text(field, text, rules::NAME_MAX)?;
            Ok((!text.is_empty()).then_some(text))
        };
        Ok(TournamentFields {
            name: rules::clean_name("name", &self.name, rules::NAME_MAX)?,
            description: rules::clean_text(
                "description",
                &self.description,
                rules::DESCRIPTION_MAX,
            )?,
            is_active: self.is_active,
            onsite: self.onsite,
            tracker_enabled: self.tracker_enabled,
            self_registration: self.self_registration,
            settings_form_schema: schema,
            randomizer: optional("randomizer", &self.randomizer)?,
            preset: optional("preset", &self.preset)?,
        })
    }
}

impl Tournaments {
    fn tournament_dto(row: TournamentRow) -> Tournament {
        Tournament {
            id: row.id,
            org_id: row.org_id,
            name: row.name,
            description: row.description,
            is_active: row.is_active,
            onsite: row.onsite,
            tracker_enabled: row.tracker_enabled,
            self_registration: row.self_registration,
            settings_form_schema: row
                .settings_form_schema
                .and_then(|s| serde_json::from_str(&s).ok()),
            randomizer: row.randomizer,
            preset: row.preset,
            archived_at: row.archived_at,
            created_at: row.created_at,
            player_count: row.player_count,
            joined: row.joined,
            public_feed: row.public_feed_token.is_some(),
        }
    }

    /// One page of the organization's tournaments, newest first.
    pub async fn tournaments(
        &self,
        org_id: i64,
        actor: &Actor,
        include_archived: bool,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Tournament>, Error> {
        let rows = repo::tournaments_page(
            &mut *self.conn().await?,
            org_id,
            viewer(actor),
            include_archived,
            page,
        )
        .await?;
        Ok(sdk::page::Page::from_rows(rows, page, |t| t.id).map(Self::tournament_dto))
    }

    /// One tournament (`joined`: whether `actor` plays in it).
    pub async fn tournament(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
    ) -> Result<Tournament, Error> {
        repo::tournament(&mut *self.conn().await?, org_id, viewer(actor), id)
            .await?
            .map(Self::tournament_dto)
            .ok_or_else(|| no_tournament(id))
    }

    pub async fn create_tournament(
        &self,
        org_id: i64,
        actor: &Actor,
        input: &TournamentInput,
        now: i64,
    ) -> Result<Tournament, Error> {
        let fields = input.clean()?;
        let user = actor.id()?;
        let mut tx = self.begin().await?;
        let id = repo::insert_tournament(&mut tx, org_id, &fields, user, now).await?;
        if input.public_feed {
            calendar::set_public_feed(&mut tx, org_id, id, true, now).await?;
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.create",
                json!({"tournament_id": id, "name": fields.name, "public_feed": input.public_feed}),
            )
            .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            TournamentCreated {
                tournament_id: id,
                name: fields.name,
            },
        );
        self.tournament(org_id, actor, id).await
    }

    pub async fn update_tournament(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        input: &TournamentInput,
        now: i64,
    ) -> Result<Tournament, Error> {
        let fields = input.clean()?;
        actor.require_user()?;
        let mut tx = self.begin().await?;
        if !repo::update_tournament(&mut tx, org_id, id, &fields, now).await? {
            return Err(no_tournament(id));
        }
        calendar::set_public_feed(&mut tx, org_id, id, input.public_feed, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.update",
                json!({"tournament_id": id, "name": fields.name, "is_active": fields.is_active,
                   "public_feed": input.public_feed}),
            )
            .await?;
        tx.commit().await?;
        let t = self.tournament(org_id, actor, id).await?;
        self.emit(
            org_id,
            actor,
            TournamentUpdated {
                tournament_id: id,
                name: t.name.clone(),
                is_active: t.is_active,
                archived: t.archived_at.is_some(),
            },
        );
        Ok(t)
    }

    /// Archived tournaments leave the lists and take no new matches; their data stays.
    pub async fn set_archived(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        archived: bool,
        now: i64,
    ) -> Result<Tournament, Error> {
        actor.require_user()?;
        let mut tx = self.begin().await?;
        if !repo::set_archived(&mut tx, org_id, id, archived.then_some(now), now).await? {
            return Err(no_tournament(id));
        }
        let action = if archived {
            "tournament.archive"
        } else {
            "tournament.unarchive"
        };
        actor
            .audit(&mut tx, Some(org_id), action, json!({"tournament_id": id}))
            .await?;
        tx.commit().await?;
        let t = self.tournament(org_id, actor, id).await?;
        self.emit(
            org_id,
            actor,
            TournamentUpdated {
                tournament_id: id,
                name: t.name.clone(),
                is_active: t.is_active,
                archived,
            },
        );
        Ok(t)
    }

    /// A member joins a tournament that allows it.
    pub async fn register(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        now: i64,
    ) -> Result<Tournament, Error> {
        let user = actor.id()?;
        let mut tx = self.begin().await?;
        let t = repo::tournament(&mut tx, org_id, user, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if !t.self_registration || !t.is_active || t.archived_at.is_some() {
            return Err(Error::forbidden(
                "This tournament does not take registrations; ask its organizers to add you.",
            ));
        }
        if !repo::add_player(&mut tx, tournament_id, user, now).await? {
            return Err(Error::conflict(
                "You are already registered for this tournament.",
            ));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.register",
                json!({"tournament_id": tournament_id}),
            )
            .await?;
        tx.commit().await?;
        self.tournament(org_id, actor, tournament_id).await
    }
}
