//! Par times, scores and the leaderboard: one permalink recomputed inside a change's
//! transaction, a whole qualifier on demand (or hourly, for every active one), and the
//! standings with the runners' names (what a viewer may see of them is `views`).

use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::Qualifiers;
use crate::{
    model::{LEADERBOARD_MAX_PAGE, LEADERBOARD_PAGE},
    repo,
    rules::{self, Standing},
};

impl Qualifiers {
    /// Recomputes par and scores of one permalink inside the caller's transaction. False when it
    /// has no finished runs (par and scores stay as they are).
    pub async fn recalc_permalink(
        conn: &mut AnyConnection,
        permalink_id: i64,
        now: i64,
    ) -> Result<bool, Error> {
        let timings = repo::timings(conn, permalink_id).await?;
        let Some(scored) = rules::score_permalink(&timings) else {
            return Ok(false);
        };
        repo::set_par(conn, permalink_id, scored.par, now).await?;
        for (race_id, score) in scored.scores {
            repo::set_score(conn, race_id, score, now).await?;
        }
        Ok(true)
    }

    /// Recomputes every permalink of the qualifier in one transaction under its lock.
    pub async fn recalculate(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        now: i64,
        trigger: &str,
    ) -> Result<usize, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_qualifier(&mut tx, org_id, qualifier_id).await? {
            return Err(Error::not_found(format!(
                "There is no async qualifier {qualifier_id} here."
            )));
        }
        let mut computed = 0;
        for permalink_id in repo::permalink_ids(&mut tx, qualifier_id).await? {
            if Self::recalc_permalink(&mut tx, permalink_id, now).await? {
                computed += 1;
            }
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.recalculate",
                json!({"qualifier_id": qualifier_id, "permalinks": computed, "trigger": trigger}),
            )
            .await?;
        tx.commit().await?;
        self.recalculated(org_id, actor, qualifier_id, computed, trigger);
        Ok(computed)
    }

    /// The hourly task: every active qualifier on the site. One failing qualifier does not stop
    /// the others; the first error is returned after all were tried.
    pub async fn recalculate_active(&self, now: i64) -> Result<usize, Error> {
        let qualifiers = repo::active_qualifiers(&mut *self.conn().await?).await?;
        let mut first_error = None;
        let mut done = 0;
        for q in qualifiers {
            match self
                .recalculate(q.org_id, &Actor::system(), q.id, now, "hourly")
                .await
            {
                Ok(_) => done += 1,
                Err(e) => {
                    tracing::warn!(qualifier = q.id, error = %e, "hourly recalculation failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// The standings with the runners' names (a copy; see [`Self::standings`]).
    pub async fn leaderboard(
        &self,
        org_id: i64,
        qualifier_id: i64,
    ) -> Result<Vec<(Standing, String)>, Error> {
        Ok(self.standings(org_id, qualifier_id).await?.as_ref().clone())
    }

    /// The standings with the runners' names, in rank order.
    ///
    /// Computing them reads every race of the qualifier (10,000 rows in a big one), so they are
    /// kept in process memory ([`board_cache`]) and computed again only when a write moved a
    /// score (the qualifier's lock version changed), the number of runs per pool changed, or
    /// the names may have (after [`board_cache::NAMES_TTL`]). Every instance checks the
    /// version in the database, so a change made through another instance shows at once. One
    /// request computes a board while the others that need it wait for its result.
    pub async fn standings(
        &self,
        org_id: i64,
        qualifier_id: i64,
    ) -> Result<board_cache::Board, Error> {
        let key = (self.db.instance(), qualifier_id);
        let version = repo::board_version(&mut *self.conn().await?, org_id, qualifier_id)
            .await?
            .ok_or_else(|| {
                Error::not_found(format!("There is no async qualifier {qualifier_id} here."))
            })?;
        if let Some(board) = board_cache::get(key, version) {
            return Ok(board);
        }
        let computing = board_cache::computing(key);
        let _turn = computing.lock().await;
        // Whoever held the turn before may have just computed this very version.
        if let Some(board) = board_cache::get(key, version) {
            return Ok(board);
        }
        // Taken only now: a request waiting for its turn holds no pooled connection.
        let mut conn = self.conn().await?;
        let pools: Vec<i64> = repo::pools(&mut conn, qualifier_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let (races, names) = repo::board(&mut conn, qualifier_id).await?;
        let runs_per_pool = version.runs_per_pool.max(1) as usize;
        let board: Vec<(Standing, String)> = rules::leaderboard(&pools, runs_per_pool, &races)
            .into_iter()
            .map(|s| {
                let name = names
                    .binary_search_by_key(&s.user_id, |(id, _)| *id)
                    .ok()
                    .and_then(|i| names.get(i))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (s, name)
            })
            .collect();
        let board = std::sync::Arc::new(board);
        board_cache::put(key, version, std::sync::Arc::clone(&board));
        Ok(board)
    }
}

/// Which ranks of a leaderboard to answer: from `from_rank` (1 is the first), `limit` of them
/// ([`LEADERBOARD_PAGE`] unless asked, at most [`LEADERBOARD_MAX_PAGE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankRange {
    from_rank: u32,
    limit: u32,
}

impl RankRange {
    pub fn new(from_rank: Option<u32>, limit: Option<u32>) -> Self {
        Self {
            from_rank: from_rank.unwrap_or(1).max(1),
            limit: limit
                .unwrap_or(LEADERBOARD_PAGE)
                .clamp(1, LEADERBOARD_MAX_PAGE),
        }
    }

    /// Entries before the first one asked for.
    pub fn skip(self) -> usize {
        self.from_rank as usize - 1
    }

    pub fn limit(self) -> usize {
        self.limit as usize
    }
}

/// Computed leaderboards, per database and qualifier, in process memory.
///
/// An entry is used only while the qualifier's [`repo::BoardVersion`] is what it was when the
/// entry was computed: every write that can move a score takes the qualifier's lock, which
/// bumps `lock_version` in the same transaction (races started, finished, forfeited, reviewed,
/// reattempted; par recomputed; a pool added), and `runs_per_pool` is part of the version too.
/// A runner's new name, or a deleted runner, shows within [`NAMES_TTL`]. At most
/// [`MAX_BOARDS`] entries are kept; the least recently computed goes first. The cache holds no
/// rights: what a caller may see of a board is decided in `views` on every request.
pub(crate) mod board_cache {
    use std::{
        collections::HashMap,
        sync::{Arc, LazyLock, Mutex},
        time::{Duration, Instant},
    };

    use crate::{repo::BoardVersion, rules::Standing};

    pub const NAMES_TTL: Duration = Duration::from_secs(30);
    pub const MAX_BOARDS: usize = 256;

    pub type Board = Arc<Vec<(Standing, String)>>;
    /// (database instance, qualifier id).
    type Key = (u64, i64);
    /// Held while computing a key's board.
    type Turn = Arc<tokio::sync::Mutex<()>>;

    struct Entry {
        version: BoardVersion,
        computed: Instant,
        board: Board,
    }

    /// (database instance, qualifier id) → entry.
    static BOARDS: LazyLock<Mutex<HashMap<Key, Entry>>> = LazyLock::new(Default::default);

    /// Per key, the turn to compute its board: when an entry goes out of date under load, one
    /// request computes it and the others wait, instead of all reading 10,000 races at once.
    static COMPUTING: LazyLock<Mutex<HashMap<Key, Turn>>> = LazyLock::new(Default::default);

    /// The turn of `key` (kept while the map has fewer than [`MAX_BOARDS`] keys; past that the
    /// turns nobody holds are dropped).
    pub fn computing(key: Key) -> Turn {
        let mut turns = COMPUTING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if turns.len() >= MAX_BOARDS && !turns.contains_key(&key) {
            turns.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        Arc::clone(turns.entry(key).or_default())
    }

    fn boards() -> std::sync::MutexGuard<'static, HashMap<Key, Entry>> {
        // A panic while holding the lock cannot leave an entry half written (inserts and
        // removals are single calls), so a poisoned map is still sound to use.
        BOARDS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(key: Key, version: BoardVersion) -> Option<Board> {
        let boards = boards();
        let entry = boards.get(&key)?;
        (entry.version == version && entry.computed.elapsed() < NAMES_TTL)
            .then(|| Arc::clone(&entry.board))
    }

    pub fn put(key: Key, version: BoardVersion, board: Board) {
        let mut boards = boards();
        if boards.len() >= MAX_BOARDS && !boards.contains_key(&key) {
            let oldest = boards
                .iter()
                .min_by_key(|(_, e)| e.computed)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                boards.remove(&oldest);
            }
        }
        boards.insert(
            key,
            Entry {
                version,
                computed: Instant::now(),
                board,
            },
        );
    }
}
