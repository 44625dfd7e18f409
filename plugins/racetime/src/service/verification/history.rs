//! Reading a member's race history from racetime.gg for a verification: page by page, a pause
//! between pages, 5xx and network errors retried with backoff, 404 meaning no visible races.

use super::*;

/// One page as racetime.gg answered it.
enum Fetched {
    Page(RacesPage),
    /// 404: unknown account or a profile that is not public.
    NotFound,
}

/// `GET /user/<id>/races/data?show_entrants=true&per_page=100&page=N`, retried with backoff on
/// 5xx and network errors; the reason as text when it keeps failing.
async fn fetch_page(
    base: &str,
    racetime_id: &str,
    page: i64,
    pacing: &Pacing,
) -> Result<Fetched, String> {
    // show_entrants: without it there is no way to see how *this* member did (sb2's bug).
    let url = format!(
        "{base}/user/{racetime_id}/races/data?show_entrants=true&per_page={}&page={page}",
        rules::PER_PAGE
    );
    let attempts = pacing.attempts.max(1);
    let mut wait = pacing.first_retry;
    let mut last = String::new();
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
        match sdk::http::client()
            .get(&url)
            .timeout(pacing.timeout)
            .send()
            .await
        {
            Err(e) => last = format!("racetime.gg could not be reached: {e}"),
            Ok(response) => match response.status().as_u16() {
                200 => {
                    return response
                        .json::<RacesPage>()
                        .await
                        .map(Fetched::Page)
                        .map_err(|e| format!("racetime.gg's race history is unreadable: {e}"));
                }
                404 => return Ok(Fetched::NotFound),
                status if status >= 500 => last = format!("racetime.gg answered HTTP {status}"),
                // Any other refusal would be refused again.
                status => {
                    return Err(format!(
                        "racetime.gg refused page {page} of the race history (HTTP {status})."
                    ))
                }
            },
        }
    }
    Err(format!(
        "{last} for page {page} of the race history ({attempts} tries); the check is retried at the next run."
    ))
}

/// A member's count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub races: i64,
    /// Why the count is what it is, when the member should know (no visible races, a history
    /// too long to read).
    pub note: Option<String>,
    /// Pages read.
    pub pages: i64,
}

/// Counts the member's races on racetime.gg (every page up to `num_pages`, stopping early as
/// `rules::verification::next_page` says). Err: racetime.gg could not be read.
pub async fn count_races(
    base: &str,
    racetime_id: &str,
    criteria: &Criteria,
    minimum: i64,
    pacing: &Pacing,
) -> Result<Counted, String> {
    let mut page = 1;
    let mut races = 0;
    loop {
        let data = match fetch_page(base, racetime_id, page, pacing).await? {
            Fetched::Page(data) => data,
            Fetched::NotFound => {
                return Ok(Counted {
                    races: 0,
                    note: Some(rules::NO_VISIBLE_RACES.to_string()),
                    pages: page,
                })
            }
        };
        let tally = rules::tally_page(&data.races, racetime_id, criteria);
        races += tally.counted;
        match rules::next_page(
            page,
            data.num_pages,
            races,
            minimum,
            tally.past_window,
            data.races.is_empty(),
        ) {
            Ok(next) => {
                if !pacing.between_pages.is_zero() {
                    tokio::time::sleep(pacing.between_pages).await;
                }
                page = next;
            }
            Err(stop) => {
                return Ok(Counted {
                    races,
                    note: rules::stop_note(stop),
                    pages: page,
                })
            }
        }
    }
}
