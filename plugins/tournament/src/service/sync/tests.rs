//! The diff a sync makes: which parts of a match differ, which sign-ups it approves.

use super::*;
use crate::model::MatchTimes;

fn row() -> MatchRow {
    MatchRow {
        id: 1,
        org_id: 1,
        tournament_id: 1,
        tournament_name: "T".into(),
        title: "A vs B".into(),
        comment: String::new(),
        stream_channel_id: Some(3),
        times: MatchTimes {
            scheduled_at: Some(1_000),
            checked_in_at: None,
            started_at: None,
            finished_at: None,
            confirmed_at: None,
        },
        seed_url: None,
        seed_description: String::new(),
        seed_roll_id: None,
        onsite: false,
        tracker_enabled: false,
        settings_form_schema: None,
    }
}

#[test]
fn only_waiting_sign_ups_for_a_listed_role_are_approved() {
    let want = SyncedMatch {
        title: "A vs B".into(),
        scheduled_at: 1_000,
        player_ids: vec![1, 2],
        stream_channel_id: None,
        crew: vec![(7, CrewRole::Commentator), (8, CrewRole::Tracker)],
    };
    let row = |id, user_id, role: &str, approved| LocalCrewRow {
        id,
        user_id,
        role: role.into(),
        approved,
    };
    let local = [
        row(1, 7, "commentator", false),
        // Listed, but for another role.
        row(2, 8, "commentator", false),
        // Approved here already.
        row(3, 8, "tracker", true),
        // Not listed at all.
        row(4, 9, "commentator", false),
    ];
    let due: Vec<i64> = approvals_due(&want, &local).iter().map(|c| c.id).collect();
    assert_eq!(due, [1]);
}

#[test]
fn a_match_as_wanted_has_no_differences_and_each_part_is_named() {
    let source = SyncSource {
        holder: "SpeedGaming",
        reason: "episode 5",
    };
    let lock = FieldLock {
        match_id: 1,
        holder: "SpeedGaming".into(),
        reason: "episode 5".into(),
    };
    let want = SyncedMatch {
        title: "A vs B".into(),
        scheduled_at: 1_000,
        player_ids: vec![2, 1],
        stream_channel_id: Some(3),
        crew: vec![(7, CrewRole::Commentator)],
    };
    let players: BTreeSet<i64> = [1, 2].into();
    let none = BTreeSet::new();
    let crew: BTreeSet<_> = [(7, "commentator".to_string())].into();
    assert!(differences(&row(), &none, &players, &crew, Some(&lock), &want, &source).is_empty());
    // The same person signed up here for the role: the sync wants no row of its own.
    assert_eq!(
        differences(&row(), &crew, &players, &crew, Some(&lock), &want, &source),
        ["crew"]
    );
    assert!(differences(&row(), &crew, &players, &none, Some(&lock), &want, &source).is_empty());

    let moved = SyncedMatch {
        scheduled_at: 2_000,
        ..want.clone()
    };
    assert_eq!(
        differences(&row(), &none, &players, &none, None, &moved, &source),
        ["time", "crew", "lock"]
    );
}
