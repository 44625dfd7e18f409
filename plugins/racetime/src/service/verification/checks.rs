//! Checking members: each member's count stored, and the role granted in the organization's
//! own linked Discord servers — the grant audited in the transaction that stores it.

use super::*;

/// What checking one member came to.
#[derive(Debug, Clone, Copy, Default)]
struct Outcome {
    qualified: bool,
    granted: bool,
    failed: bool,
}

impl Racetime {
    pub(super) async fn check_candidates(
        &self,
        actor: &Actor,
        pick: &Pick,
        now: i64,
        pacing: Pacing,
        budget: Budget,
    ) -> Result<VerificationRun, Error> {
        let (candidates, total) =
            repo::verification::candidates(self.db(), pick, budget.users.max(0)).await?;
        self.check_list(actor, candidates, total, now, pacing, budget)
            .await
    }

    /// Checks each candidate in turn until the budget's time is up.
    pub(super) async fn check_list(
        &self,
        actor: &Actor,
        candidates: Vec<Candidate>,
        total: i64,
        now: i64,
        pacing: Pacing,
        budget: Budget,
    ) -> Result<VerificationRun, Error> {
        let started = Instant::now();
        let mut verifications: HashMap<i64, Verification> = HashMap::new();
        let mut guilds: HashMap<i64, Vec<String>> = HashMap::new();
        let mut run = VerificationRun::default();
        let mut failing = 0;
        for candidate in candidates {
            if budget.time.is_some_and(|limit| started.elapsed() >= limit) {
                break;
            }
            // racetime.gg keeps failing: the rest wait for the next run instead of failing too.
            if failing >= MAX_FAILURES_IN_A_ROW {
                break;
            }
            let org_id = candidate.organization_id;
            if !verifications.contains_key(&candidate.verification_id) {
                let mut conn = self.db().pool().acquire().await?;
                let Some(found) =
                    repo::verification::get(&mut conn, org_id, candidate.verification_id).await?
                else {
                    // Deleted meanwhile.
                    continue;
                };
                verifications.insert(found.id, found);
            }
            if let Entry::Vacant(slot) = guilds.entry(org_id) {
                // Only this organization's own servers: never another organization's.
                let linked = sdk::bot::linked_guilds(self.db(), Some(org_id))
                    .await?
                    .into_iter()
                    .filter(|g| g.org_id == org_id)
                    .map(|g| g.guild_id)
                    .collect();
                slot.insert(linked);
            }
            let (Some(verification), Some(linked)) = (
                verifications.get(&candidate.verification_id),
                guilds.get(&org_id),
            ) else {
                continue;
            };
            let outcome = self
                .check_member(actor, verification, linked, &candidate, now, pacing)
                .await?;
            run.checked += 1;
            run.qualified += i64::from(outcome.qualified);
            run.granted += i64::from(outcome.granted);
            run.failed += i64::from(outcome.failed);
            failing = if outcome.failed { failing + 1 } else { 0 };
        }
        run.remaining = (total - run.checked).max(0);
        Ok(run)
    }

    /// Counts one member for one verification, gives the role once they qualify, and stores
    /// the result — with the grant's audit entry in the same transaction.
    async fn check_member(
        &self,
        actor: &Actor,
        verification: &Verification,
        guilds: &[String],
        candidate: &Candidate,
        now: i64,
        pacing: Pacing,
    ) -> Result<Outcome, Error> {
        let org_id = candidate.organization_id;
        let same_account =
            candidate.checked_racetime_id.as_deref() == Some(candidate.racetime_id.as_str());
        let mut notes: Vec<String> = Vec::new();
        let mut outcome = Outcome::default();
        let race_count = if rules::racetime_id_ok(&candidate.racetime_id) {
            let criteria = Criteria::new(
                &verification.categories,
                verification.count_forfeits,
                verification.count_dq,
                verification.window_days,
                now,
            );
            match count_races(
                &self.runtime.base_url(),
                &candidate.racetime_id,
                &criteria,
                verification.min_races,
                &pacing,
            )
            .await
            {
                Ok(counted) => {
                    notes.extend(counted.note);
                    outcome.qualified = counted.races >= verification.min_races;
                    counted.races
                }
                Err(why) => {
                    // racetime.gg could not be read: the last answer for this account stands.
                    notes.push(why);
                    outcome.failed = true;
                    if same_account {
                        outcome.qualified = candidate.qualified;
                        candidate.race_count.unwrap_or(0)
                    } else {
                        0
                    }
                }
            }
        } else {
            notes.push(
                "The linked racetime.gg id is not one racetime.gg gives: link the account again on your profile."
                    .into(),
            );
            0
        };
        // Once given, the role is never asked for again (a new role id starts over).
        let mut role_granted = candidate.role_granted;
        let mut granted_in: Vec<String> = Vec::new();
        if outcome.qualified && !role_granted {
            let (granted, failed) = self
                .grant_role(
                    &verification.discord_role_id,
                    guilds,
                    candidate.discord_id.as_deref(),
                )
                .await;
            role_granted = failed.is_empty() && !granted.is_empty();
            granted_in = granted;
            notes.extend(failed);
        }
        outcome.granted = !granted_in.is_empty();
        let last_error = (!notes.is_empty()).then(|| notes.join(" "));
        // not audited: a check's result is bookkeeping; the role grant below is the action
        // and is audited in the same transaction.
        let mut tx = self.db().begin().await?;
        repo::verification::save_result(
            &mut tx,
            &Checked {
                org_id,
                verification_id: verification.id,
                user_id: candidate.user_id,
                racetime_id: &candidate.racetime_id,
                race_count,
                qualified: outcome.qualified,
                role_granted,
                last_error: last_error.as_deref(),
                checked_at: now,
            },
        )
        .await?;
        if outcome.granted {
            actor
                .audit(
                    &mut tx,
                    Some(org_id),
                    "racetime.verification_grant",
                    json!({
                        "verification_id": verification.id, "user_id": candidate.user_id,
                        "racetime_id": candidate.racetime_id, "race_count": race_count,
                        "discord_role_id": verification.discord_role_id, "guilds": granted_in,
                    }),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Gives the member the role in each of the organization's linked servers: the servers it
    /// was given in, and what failed (member without Discord, no server, no bot, Discord's
    /// refusal) in words for their row.
    async fn grant_role(
        &self,
        discord_role_id: &str,
        guilds: &[String],
        discord_id: Option<&str>,
    ) -> (Vec<String>, Vec<String>) {
        let Some(discord_id) = discord_id else {
            return (
                Vec::new(),
                vec!["Qualifies, but has no Discord account on SahaBot: the role is given once they sign in with Discord.".into()],
            );
        };
        if guilds.is_empty() {
            return (
                Vec::new(),
                vec!["Qualifies, but the organization has no linked Discord server to give the role in.".into()],
            );
        }
        let rest = match self.platform.plugins.bot().rest() {
            Ok(rest) => rest,
            Err(e) => {
                return (
                    Vec::new(),
                    vec![format!(
                        "Qualifies, but the role could not be given: {}",
                        e.message()
                    )],
                )
            }
        };
        let mut granted = Vec::new();
        let mut failed = Vec::new();
        for guild in guilds {
            match rest
                .add_member_role(guild, discord_id, discord_role_id)
                .await
            {
                Ok(()) => granted.push(guild.clone()),
                Err(e) => failed.push(format!(
                    "Qualifies, but Discord server {guild} did not give the role: {}",
                    e.message()
                )),
            }
        }
        (granted, failed)
    }
}
