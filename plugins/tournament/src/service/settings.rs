//! Settings submissions: the players of a match fill in their tournament's settings form per
//! game; managers see every submission, players their own.

use sdk::{context::Rights, Actor, Error};
use serde_json::{json, Value};

use super::{no_match, rights, Tournaments};
use crate::{actions, events::MatchUpdated, model::SettingsSubmission, repo, rules};

impl Tournaments {
    /// A player of the match submits settings for one game (replacing an earlier submission).
    #[allow(clippy::too_many_arguments)]
    pub async fn submit_settings(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        game_number: i64,
        settings: &Value,
        notes: &str,
        now: i64,
    ) -> Result<SettingsSubmission, Error> {
        let user = actor.id()?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let mut tx = self.begin().await?;
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        let Some(schema) = row
            .settings_form_schema
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
        else {
            return Err(Error::conflict("This tournament has no settings form."));
        };
        let is_player = repo::match_players(&mut tx, &[match_id])
            .await?
            .iter()
            .any(|(_, p)| p.user_id == user);
        if !is_player {
            return Err(Error::forbidden(
                "Only the players of this match submit settings for it.",
            ));
        }
        rules::check_settings(&schema, game_number, settings)?;
        let id = repo::upsert_settings(
            &mut tx,
            match_id,
            game_number,
            user,
            &settings.to_string(),
            &notes,
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "match.settings",
                json!({"match_id": match_id, "game_number": game_number, "submission_id": id}),
            )
            .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id,
                what: "settings".into(),
            },
        );
        self.submissions_of(org_id, match_id, Some(user))
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::internal("submission vanished after saving"))
    }

    /// The settings form of the match's tournament (None: it has none).
    pub async fn settings_form(&self, org_id: i64, match_id: i64) -> Result<Option<Value>, Error> {
        let row = repo::match_by_id(&mut *self.conn().await?, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        Ok(row
            .settings_form_schema
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// The match's submissions as `actor` may see them: managers (`tournament:update`) every
    /// one, anyone else their own.
    pub async fn submissions(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
    ) -> Result<Vec<SettingsSubmission>, Error> {
        let only_user = if rights::may(authorizer, org_id, actor, actions::UPDATE).await? {
            None
        } else {
            Some(actor.id()?)
        };
        self.submissions_of(org_id, match_id, only_user).await
    }

    /// The match's submissions; only `only_user`'s when given.
    async fn submissions_of(
        &self,
        org_id: i64,
        match_id: i64,
        only_user: Option<i64>,
    ) -> Result<Vec<SettingsSubmission>, Error> {
        let mut conn = self.conn().await?;
        repo::match_by_id(&mut conn, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        Ok(repo::settings(&mut conn, match_id, only_user)
            .await?
            .into_iter()
            .map(|s| SettingsSubmission {
                id: s.id,
                match_id: s.match_id,
                game_number: s.game_number,
                user_id: s.user_id,
                display_name: s.display_name,
                settings: serde_json::from_str(&s.settings).unwrap_or(Value::Null),
                notes: s.notes,
                submitted_at: s.submitted_at,
            })
            .collect())
    }
}
