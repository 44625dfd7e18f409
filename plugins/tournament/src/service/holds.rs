//! Holds: another plugin (a linked race room, a SpeedGaming episode) claims a match, and while
//! it holds it managers cannot step, revert or delete the match by hand. The system takes and
//! releases holds, so the audit log names no user.

use sdk::{Actor, Error};
use serde_json::json;

use super::{no_match, Tournaments};
use crate::repo;

impl Tournaments {
    /// `holder` (a plugin's name as users should read it, e.g. "RaceTime.gg") claims the match:
    /// managers can no longer advance, revert or delete it by hand until it is released.
    /// `path` is the holder's page for this match, which the match page links to; it must be
    /// a path on this site.
    pub async fn hold(
        &self,
        org_id: i64,
        id: i64,
        holder: &str,
        reason: &str,
        path: Option<&str>,
        now: i64,
    ) -> Result<(), Error> {
        if let Some(path) = path {
            if !path.starts_with('/') || path.starts_with("//") || path.contains(['\\', ' ']) {
                return Err(Error::invalid(
                    "path",
                    "A hold's link must be a path on this site.",
                ));
            }
        }
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        repo::put_hold(&mut tx, id, holder, reason, path, now).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "match.hold",
                json!({"match_id": id, "holder": holder, "reason": reason}),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn release(
        &self,
        org_id: i64,
        id: i64,
        holder: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let released = repo::release_hold(&mut tx, id, holder).await?;
        if released {
            Actor::system()
                .audit(
                    &mut tx,
                    Some(org_id),
                    "match.release",
                    json!({"match_id": id, "holder": holder}),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(released)
    }
}
