//! Racer verification's rules: what a verification counts and when reading a racer's history
//! may stop (docs/upstreams/racetime.md §6.5 and §7). Pure: the pages come in as parsed JSON,
//! `now` is passed in. `service::verification` fetches the pages, stores the results and
//! grants the role; this file decides.
//!
//! racetime.gg lists a user's finished races newest `ended_at` first
//! (`GET /user/<id>/races/data?show_entrants=true&per_page=100&page=N`). A race counts when its
//! category is one of the verification's and the user's own entrant is `done` (or `dnf` /
//! `dq` when the verification says those count) and, with a window, it ended inside it.
//! Reading stops once the minimum is reached, after the last page, and after the page where a
//! race ended before the window (every later race is older).
//!
//! The older systems got this wrong (§7): one asked without `show_entrants` and read page 1
//! only; the other counted forfeits as races and read on past the window. The unit tests below
//! pin each of those.

use serde::Deserialize;

use sdk::Error;

use crate::{model::VerificationInput, rules::race::RaceEntrant};

/// Races per page asked for (racetime.gg's maximum).
pub const PER_PAGE: i64 = 100;
/// At most this many pages are read for one member (10 000 races): a history longer than that
/// without reaching the minimum is reported, not read on forever.
pub const MAX_PAGES: i64 = 100;
pub const MAX_CATEGORIES: usize = 20;
pub const MAX_MIN_RACES: i64 = 1000;
pub const MAX_WINDOW_DAYS: i64 = 3650;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What a member sees when racetime.gg answers 404 for their account: not an error to retry,
/// but a count of 0 with the reason (§6.5: a profile is public only once the racer has a
/// recorded race, links Twitch or Patreon, or moderates a category).
pub const NO_VISIBLE_RACES: &str = "racetime.gg shows no races for this account (404): its profile is not public yet (it becomes public with a recorded race or a linked Twitch or Patreon account), or the account no longer exists.";

/// One page of `/user/<id>/races/data`. Missing fields are defaulted so a change upstream does
/// not stop the count; there is no `page` field in the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RacesPage {
    #[serde(default)]
    pub count: i64,
    #[serde(default = "one")]
    pub num_pages: i64,
    #[serde(default)]
    pub races: Vec<PastRace>,
}

fn one() -> i64 {
    1
}

/// A finished race in a user's history: its category, when it ended, and (with
/// `show_entrants=true`) its entrants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PastRace {
    #[serde(default)]
    pub category: Option<CategoryRef>,
    #[serde(default, with = "sdk::time::rfc3339::option")]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub entrants: Vec<RaceEntrant>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CategoryRef {
    #[serde(default)]
    pub slug: String,
}

/// What counts, for one check at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    /// Lowercase category slugs.
    pub categories: Vec<String>,
    pub count_forfeits: bool,
    pub count_dq: bool,
    /// Races that ended before this instant (epoch ms) do not count.
    pub window_start: Option<i64>,
}

impl Criteria {
    pub fn new(
        categories: &[String],
        count_forfeits: bool,
        count_dq: bool,
        window_days: Option<i64>,
        now: i64,
    ) -> Self {
        Self {
            categories: categories.iter().map(|c| c.to_lowercase()).collect(),
            count_forfeits,
            count_dq,
            window_start: window_start(now, window_days),
        }
    }
}

/// The first instant inside a window of `days` ending at `now`.
pub fn window_start(now: i64, days: Option<i64>) -> Option<i64> {
    days.map(|d| now.saturating_sub(d.saturating_mul(DAY_MS)))
}

/// What one page adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageTally {
    /// Races on the page that count.
    pub counted: i64,
    /// A race on the page ended before the window: every later page is older still.
    pub past_window: bool,
}

/// Counts the races of one page for the racetime.gg user `racetime_id`.
pub fn tally_page(races: &[PastRace], racetime_id: &str, criteria: &Criteria) -> PageTally {
    let mut tally = PageTally::default();
    for race in races {
        if let Some(start) = criteria.window_start {
            match race.ended_at {
                Some(ended) if ended < start => {
                    tally.past_window = true;
                    continue;
                }
                Some(_) => {}
                // With a window, a race of unknown end cannot be placed in it: not counted.
                None => continue,
            }
        }
        let in_category = race.category.as_ref().is_some_and(|c| {
            criteria
                .categories
                .iter()
                .any(|slug| c.slug.eq_ignore_ascii_case(slug))
        });
        if !in_category {
            continue;
        }
        // The user's own result: the entrant whose user id is theirs (a deleted account's
        // entrant has no user and is nobody's).
        let status = race
            .entrants
            .iter()
            .find(|e| e.user.as_ref().is_some_and(|u| u.id == racetime_id))
            .map(|e| e.status.value.as_str());
        let counts = match status {
            Some("done") => true,
            Some("dnf") => criteria.count_forfeits,
            Some("dq") => criteria.count_dq,
            _ => false,
        };
        if counts {
            tally.counted += 1;
        }
    }
    tally
}

/// Why reading a history stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The minimum is reached: more pages cannot change the answer.
    Reached,
    /// The last page was read.
    LastPage,
    /// A race ended before the window: later pages are older.
    PastWindow,
    /// [`MAX_PAGES`] were read without reaching the minimum.
    PageLimit,
}

/// After reading page `page` (1-based) of `num_pages`, with `counted` races so far: the next
/// page to read, or why to stop. `empty` is a page without races (past the end).
pub fn next_page(
    page: i64,
    num_pages: i64,
    counted: i64,
    minimum: i64,
    past_window: bool,
    empty: bool,
) -> Result<i64, Stop> {
    if counted >= minimum {
        Err(Stop::Reached)
    } else if past_window {
        Err(Stop::PastWindow)
    } else if empty || page >= num_pages {
        Err(Stop::LastPage)
    } else if page >= MAX_PAGES {
        Err(Stop::PageLimit)
    } else {
        Ok(page + 1)
    }
}

/// What the member's row says besides the count, when reading stopped early for a reason they
/// should know.
pub fn stop_note(stop: Stop) -> Option<String> {
    match stop {
        Stop::PageLimit => Some(format!(
            "Only the newest {} races were read (racetime.gg history longer than {MAX_PAGES} pages).",
            MAX_PAGES * PER_PAGE
        )),
        Stop::Reached | Stop::LastPage | Stop::PastWindow => None,
    }
}

/// A racetime.gg user id as account linking gives it (it goes into the request path).
pub fn racetime_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn slug_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 50
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A Discord snowflake: 17 to 20 digits.
pub fn snowflake_ok(s: &str) -> bool {
    (17..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// The category slugs typed in a form: separated by commas, spaces or new lines.
pub fn parse_categories(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a verification as an admin sent it and gives it back tidied (name and role trimmed,
/// slugs lowercase without repeats). Each refusal names the field and says what to fix.
pub fn check_input(input: &VerificationInput) -> Result<VerificationInput, Error> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "name",
            "Give the verification a name of 1 to 100 characters.",
        ));
    }
    let mut categories: Vec<String> = Vec::new();
    for slug in &input.categories {
        let slug = slug.trim().to_lowercase();
        if slug.is_empty() {
            continue;
        }
        if !slug_ok(&slug) {
            return Err(Error::invalid(
                "categories",
                format!(
                    "\"{}\" is not a racetime.gg category slug: give each category as in its racetime.gg address (lowercase letters, digits, - or _), e.g. alttpr.",
                    slug.chars().take(60).collect::<String>()
                ),
            ));
        }
        if !categories.contains(&slug) {
            categories.push(slug);
        }
    }
    if categories.is_empty() || categories.len() > MAX_CATEGORIES {
        return Err(Error::invalid(
            "categories",
            format!(
                "Give 1 to {MAX_CATEGORIES} racetime.gg categories whose races count, e.g. alttpr."
            ),
        ));
    }
    if !(1..=MAX_MIN_RACES).contains(&input.min_races) {
        return Err(Error::invalid(
            "min_races",
            format!("The minimum number of races is a whole number from 1 to {MAX_MIN_RACES}."),
        ));
    }
    if input
        .window_days
        .is_some_and(|d| !(1..=MAX_WINDOW_DAYS).contains(&d))
    {
        return Err(Error::invalid(
            "window_days",
            format!("The window is 1 to {MAX_WINDOW_DAYS} days; leave it empty to count races of any age."),
        ));
    }
    let discord_role_id = input.discord_role_id.trim();
    if !snowflake_ok(discord_role_id) {
        return Err(Error::invalid(
            "discord_role_id",
            "Give the Discord role's id: 17 to 20 digits (in Discord, with Developer Mode on, right-click the role under Server Settings → Roles → Copy Role ID).",
        ));
    }
    Ok(VerificationInput {
        name: name.to_string(),
        categories,
        min_races: input.min_races,
        count_forfeits: input.count_forfeits,
        count_dq: input.count_dq,
        window_days: input.window_days,
        discord_role_id: discord_role_id.to_string(),
        is_active: input.is_active,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::rules::race::{RaceUser, Status};

    const ME: &str = "xldAMBlqvY3aOP57";
    const NOW: i64 = 1_750_000_000_000;

    fn entrant(id: &str, status: &str) -> RaceEntrant {
        RaceEntrant {
            user: Some(RaceUser {
                id: id.into(),
                ..RaceUser::default()
            }),
            status: Status {
                value: status.into(),
            },
            ..RaceEntrant::default()
        }
    }

    fn race(category: &str, my_status: &str, days_ago: i64) -> PastRace {
        PastRace {
            category: Some(CategoryRef {
                slug: category.into(),
            }),
            ended_at: Some(NOW - days_ago * DAY_MS),
            entrants: vec![entrant("someoneElse", "done"), entrant(ME, my_status)],
        }
    }

    fn criteria(forfeits: bool, dq: bool, window: Option<i64>) -> Criteria {
        Criteria::new(&["alttpr".into(), "smz3".into()], forfeits, dq, window, NOW)
    }

    #[test]
    fn only_the_users_own_finishes_count_in_the_chosen_categories() {
        let page = vec![
            race("alttpr", "done", 1),
            race("smz3", "done", 2),
            race("ootr", "done", 3),
            race("alttpr", "dnf", 4),
            race("alttpr", "dq", 5),
        ];
        let t = tally_page(&page, ME, &criteria(false, false, None));
        assert_eq!(
            t,
            PageTally {
                counted: 2,
                past_window: false
            }
        );
        // Forfeits and DQs count only when the verification says so (sb counted them always).
        assert_eq!(
            tally_page(&page, ME, &criteria(true, false, None)).counted,
            3
        );
        assert_eq!(
            tally_page(&page, ME, &criteria(false, true, None)).counted,
            3
        );
        assert_eq!(
            tally_page(&page, ME, &criteria(true, true, None)).counted,
            4
        );
    }

    #[test]
    fn a_race_without_the_users_entrant_counts_for_nobody() {
        // Without show_entrants there are no entrants (sb2's bug): nothing can be counted.
        let mut bare = race("alttpr", "done", 1);
        bare.entrants.clear();
        // A deleted account's entrant has no user.
        let mut deleted = race("alttpr", "done", 1);
        deleted.entrants[1].user = None;
        let t = tally_page(&[bare, deleted], ME, &criteria(true, true, None));
        assert_eq!(t.counted, 0);
    }

    #[test]
    fn the_window_drops_old_races_and_says_later_pages_are_older() {
        let page = vec![
            race("alttpr", "done", 10),
            race("alttpr", "done", 29),
            race("alttpr", "done", 31),
        ];
        let t = tally_page(&page, ME, &criteria(false, false, Some(30)));
        assert_eq!(
            t,
            PageTally {
                counted: 2,
                past_window: true
            }
        );
        let t = tally_page(&page[..2], ME, &criteria(false, false, Some(30)));
        assert!(!t.past_window);
        // A race of unknown end cannot be placed in a window.
        let mut unknown = race("alttpr", "done", 1);
        unknown.ended_at = None;
        assert_eq!(
            tally_page(&[unknown.clone()], ME, &criteria(false, false, Some(30))).counted,
            0
        );
        assert_eq!(
            tally_page(&[unknown], ME, &criteria(false, false, None)).counted,
            1
        );
    }

    #[test]
    fn paging_stops_at_the_minimum_the_last_page_or_the_window() {
        // More pages and not there yet: read on (sb2 read page 1 only).
        assert_eq!(next_page(1, 3, 40, 150, false, false), Ok(2));
        assert_eq!(next_page(2, 3, 140, 150, false, false), Ok(3));
        assert_eq!(next_page(2, 3, 150, 150, false, false), Err(Stop::Reached));
        assert_eq!(next_page(3, 3, 149, 150, false, false), Err(Stop::LastPage));
        assert_eq!(next_page(1, 3, 10, 150, true, false), Err(Stop::PastWindow));
        assert_eq!(next_page(1, 3, 10, 150, false, true), Err(Stop::LastPage));
        assert_eq!(
            next_page(MAX_PAGES, MAX_PAGES + 5, 10, 150, false, false),
            Err(Stop::PageLimit)
        );
        assert!(stop_note(Stop::PageLimit).is_some());
        assert!(stop_note(Stop::LastPage).is_none());
    }

    #[test]
    fn a_page_as_racetime_gg_sends_it_is_read() {
        let json = serde_json::json!({
            "count": 1, "num_pages": 1,
            "races": [{
                "name": "alttpr/clever-link-1234",
                "status": {"value": "finished"},
                "category": {"name": "ALttPR", "short_name": "ALttPR", "slug": "alttpr"},
                "ended_at": "2025-05-01T19:52:22.416Z",
                "entrants": [
                    {"user": {"id": ME, "name": "Alice"}, "status": {"value": "done"}, "place": 1},
                    {"user": {"id": "4Zq9Vd2LmR8pK1sX", "name": "Bob"}, "status": {"value": "dnf"}}
                ],
                "unknown_field": true
            }]
        });
        let page: RacesPage = serde_json::from_value(json).unwrap();
        assert_eq!(page.num_pages, 1);
        assert!(page.races[0].ended_at.is_some());
        let c = Criteria::new(&["alttpr".into()], false, false, None, NOW);
        assert_eq!(tally_page(&page.races, ME, &c).counted, 1);
        assert_eq!(tally_page(&page.races, "4Zq9Vd2LmR8pK1sX", &c).counted, 0);
    }

    fn good() -> VerificationInput {
        VerificationInput {
            name: " Experienced racers ".into(),
            categories: vec!["ALTTPR".into(), "alttpr".into(), " smz3 ".into(), "".into()],
            min_races: 10,
            count_forfeits: false,
            count_dq: false,
            window_days: Some(365),
            discord_role_id: " 123456789012345678 ".into(),
            is_active: true,
        }
    }

    #[test]
    fn input_is_tidied() {
        let v = check_input(&good()).unwrap();
        assert_eq!(v.name, "Experienced racers");
        assert_eq!(v.categories, vec!["alttpr".to_string(), "smz3".to_string()]);
        assert_eq!(v.discord_role_id, "123456789012345678");
        assert_eq!(
            parse_categories("alttpr, smz3\nootr  "),
            vec!["alttpr", "smz3", "ootr"]
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let field = |v: VerificationInput| check_input(&v).unwrap_err().field().map(str::to_string);
        assert_eq!(
            field(VerificationInput {
                name: "  ".into(),
                ..good()
            })
            .as_deref(),
            Some("name")
        );
        assert_eq!(
            field(VerificationInput {
                name: "x".repeat(101),
                ..good()
            })
            .as_deref(),
            Some("name")
        );
        assert_eq!(
            field(VerificationInput {
                categories: vec![],
                ..good()
            })
            .as_deref(),
            Some("categories")
        );
        assert_eq!(
            field(VerificationInput {
                categories: vec!["a/b".into()],
                ..good()
            })
            .as_deref(),
            Some("categories")
        );
        let many = (0..21).map(|i| format!("cat{i}")).collect();
        assert_eq!(
            field(VerificationInput {
                categories: many,
                ..good()
            })
            .as_deref(),
            Some("categories")
        );
        assert_eq!(
            field(VerificationInput {
                min_races: 0,
                ..good()
            })
            .as_deref(),
            Some("min_races")
        );
        assert_eq!(
            field(VerificationInput {
                min_races: 1001,
                ..good()
            })
            .as_deref(),
            Some("min_races")
        );
        assert_eq!(
            field(VerificationInput {
                window_days: Some(0),
                ..good()
            })
            .as_deref(),
            Some("window_days")
        );
        assert_eq!(
            field(VerificationInput {
                window_days: Some(3651),
                ..good()
            })
            .as_deref(),
            Some("window_days")
        );
        assert_eq!(
            field(VerificationInput {
                discord_role_id: "@Racers".into(),
                ..good()
            })
            .as_deref(),
            Some("discord_role_id")
        );
        assert_eq!(
            field(VerificationInput {
                discord_role_id: "1234".into(),
                ..good()
            })
            .as_deref(),
            Some("discord_role_id")
        );
        assert!(check_input(&VerificationInput {
            window_days: None,
            min_races: 1000,
            ..good()
        })
        .is_ok());
    }

    #[test]
    fn racetime_ids_are_checked_before_they_go_into_a_path() {
        assert!(racetime_id_ok(ME));
        assert!(!racetime_id_ok("../o/token"));
        assert!(!racetime_id_ok(""));
    }
}
