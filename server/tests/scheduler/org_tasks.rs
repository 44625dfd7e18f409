//! Organizations' own tasks (the `ticker.echo` type): validation that names the field, names
//! unique per organization, runs at their slots with their config, failures recorded on the
//! task, slots skipped while the plugin is off, run now and delete, and one-time tasks that
//! switch off after their run.
//!
//! The tests after validation follow one task's life ([`Orgs`] and the steps below it): created
//! (next to another organization's task of the same name), run at its slot, changed to fail and
//! run again, skipped while the plugin is off. Each test replays the steps before the rule it
//! checks, so a failure names the rule.

use platform::tasks::engine::Scheduler;
use sdk::{
    auth::GlobalLevel, db::Backend, tasks::model::OrgTaskInput, tasks::model::OrgTaskView,
    tasks::Schedule, Actor,
};
use serde_json::json;
use testkit::both_backends;

use super::{tick, wait_for_run, World, MIN};

/// Two organizations of one owner, and a scheduler.
struct Orgs {
    w: World,
    s: Scheduler,
    org: i64,
    other_org: i64,
    /// The owner, who makes every change.
    by: Actor,
}

async fn orgs(backend: Backend) -> Orgs {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    let owner = w.test.user("owner", GlobalLevel::Superadmin).await;
    let org = w.test.org(&owner, "Org").await;
    let other_org = w.test.org(&owner, "Other").await;
    let by = Actor::user(owner.clone());
    Orgs {
        w,
        s,
        org,
        other_org,
        by,
    }
}

/// An active `ticker.echo` task.
fn input(name: &str, schedule: Schedule, config: serde_json::Value) -> OrgTaskInput {
    OrgTaskInput {
        name: name.into(),
        task_type: "ticker.echo".into(),
        schedule,
        config,
        active: true,
    }
}

fn every_five() -> Schedule {
    Schedule::Cron {
        expression: "*/5 * * * *".into(),
    }
}

/// Step 1: "Echo" (saying hello every five minutes) in `org`, and another organization's task of
/// the same name; returns (ours, theirs).
async fn created(o: &Orgs) -> (OrgTaskView, OrgTaskView) {
    let task =
        o.s.create_org_task(
            o.org,
            input("Echo", every_five(), json!({"message": "hello"})),
            &o.by,
        )
        .await
        .unwrap();
    let theirs =
        o.s.create_org_task(
            o.other_org,
            input("Echo", every_five(), json!({"message": "theirs"})),
            &o.by,
        )
        .await
        .unwrap();
    (task, theirs)
}

/// Step 2: the task's first slot ticks; returns that slot and what the tick started.
async fn ran_at_its_slot(o: &Orgs, task: &OrgTaskView) -> (i64, Vec<String>) {
    let due = task.next_run_at.unwrap();
    let started = tick(&o.s, due).await;
    (due, started)
}

/// Step 3: changed to fail, then its next slot ticks; returns the changed task.
async fn failed_at_the_next_slot(o: &Orgs, task: &OrgTaskView, due: i64) -> OrgTaskView {
    let failing =
        o.s.update_org_task(
            o.org,
            task.id,
            input("Echo", every_five(), json!({"message": "fail"})),
            &o.by,
        )
        .await
        .unwrap();
    tick(&o.s, due + 5 * MIN).await;
    failing
}

/// Step 4: the plugin switched off for the organization while a slot ticks; returns what that
/// tick started. The plugin stays off.
async fn skipped_while_the_plugin_is_off(o: &Orgs, due: i64) -> Vec<String> {
    o.w.host
        .set_enabled(o.org, "ticker", false, false, &sdk::Actor::default())
        .await
        .unwrap();
    tick(&o.s, due + 10 * MIN).await
}

async fn check_validation_names_the_field_and_says_what_to_do(backend: Backend) {
    // Kept whole: dropping its world would drop the database.
    let o = orgs(backend).await;
    let (s, org, by) = (&o.s, o.org, o.by.clone());
    let every_five = every_five();

    // Validation names the field and says what to do.
    let cases = [
        (
            input("", every_five.clone(), json!({"message": "x"})),
            "name",
            "Give the task a name",
        ),
        (
            input(
                "Bad cron",
                Schedule::Cron {
                    expression: "0 3 * * * /bin/backup".into(),
                },
                json!({"message": "x"}),
            ),
            "cron",
            "crontab line with its command",
        ),
        (
            input(
                "Short",
                Schedule::Interval { seconds: 0 },
                json!({"message": "x"}),
            ),
            "interval_seconds",
            "once a minute",
        ),
        (
            input("No message", every_five.clone(), json!({})),
            "config",
            "\"message\" is a required property",
        ),
        (
            OrgTaskInput {
                task_type: "ticker.nope".into(),
                ..input("Unknown", every_five.clone(), json!({}))
            },
            "task_type",
            "Known types: ticker.echo",
        ),
    ];
    for (bad, field, text) in cases {
        let err = s.create_org_task(org, bad, &by).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
        assert!(err.message().contains(text), "{}", err.message());
    }
}
both_backends!(
    validation_names_the_field_and_says_what_to_do,
    check_validation_names_the_field_and_says_what_to_do
);

async fn check_names_are_unique_per_organization(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org, by) = (&o.s, o.org, &o.by);
    let every_five = every_five();
    s.create_org_task(
        org,
        input("Echo", every_five.clone(), json!({"message": "hello"})),
        by,
    )
    .await
    .unwrap();
    let err = s
        .create_org_task(
            org,
            input("Echo", every_five.clone(), json!({"message": "again"})),
            by,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "Conflict");
    // Names are per organization.
    s.create_org_task(
        o.other_org,
        input("Echo", every_five.clone(), json!({"message": "theirs"})),
        by,
    )
    .await
    .unwrap();
}
both_backends!(
    names_are_unique_per_organization,
    check_names_are_unique_per_organization
);

async fn check_an_organization_sees_only_its_own_tasks(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org) = (&o.s, o.org);
    let (_task, theirs) = created(&o).await;
    assert_eq!(s.org_tasks(org).await.unwrap().len(), 1);
    assert_eq!(
        s.org_task(org, theirs.id).await.unwrap_err().kind(),
        "NotFound"
    );
}
both_backends!(
    an_organization_sees_only_its_own_tasks,
    check_an_organization_sees_only_its_own_tasks
);

async fn check_a_task_runs_at_its_slot_with_its_config(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org, w) = (&o.s, o.org, &o.w);
    let (task, _theirs) = created(&o).await;
    // It runs at its slot with its config and organization.
    let (_due, started) = ran_at_its_slot(&o, &task).await;
    assert!(started.contains(&format!("org:{}", task.id)));
    assert!(w
        .counters
        .echoes
        .lock()
        .unwrap()
        .contains(&(Some(org), json!({"message": "hello"}))));
    let runs = s.history(Some(org), None, 50).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].task_name, "Echo");
}
both_backends!(
    a_task_runs_at_its_slot_with_its_config,
    check_a_task_runs_at_its_slot_with_its_config
);

async fn check_a_failed_run_is_recorded_on_the_task(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org) = (&o.s, o.org);
    let (task, _theirs) = created(&o).await;
    let (due, _) = ran_at_its_slot(&o, &task).await;
    // Changed to fail: recorded on the task.
    let failing = failed_at_the_next_slot(&o, &task, due).await;
    assert_eq!(failing.next_run_at, Some(due + 5 * MIN));
    let t = s.org_task(org, task.id).await.unwrap();
    assert_eq!(t.last_status.as_deref(), Some("failed"));
    assert_eq!(t.last_error.as_deref(), Some("asked to fail"));
}
both_backends!(
    a_failed_run_is_recorded_on_the_task,
    check_a_failed_run_is_recorded_on_the_task
);

async fn check_a_plugin_switched_off_skips_the_slot_and_says_why(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org, by) = (&o.s, o.org, o.by.clone());
    let (task, _theirs) = created(&o).await;
    let (due, _) = ran_at_its_slot(&o, &task).await;
    failed_at_the_next_slot(&o, &task, due).await;
    // The plugin switched off for the organization: the slot is skipped and says why.
    let started = skipped_while_the_plugin_is_off(&o, due).await;
    assert!(!started.contains(&format!("org:{}", task.id)));
    let t = s.org_task(org, task.id).await.unwrap();
    assert_eq!(t.last_status.as_deref(), Some("skipped"));
    assert!(t.last_error.unwrap().contains("Ticker is not enabled"));
    assert_eq!(t.next_run_at, Some(due + 15 * MIN));
    assert_eq!(
        s.run_org_task_now(org, task.id, &by)
            .await
            .unwrap_err()
            .kind(),
        "NotEnabled"
    );
}
both_backends!(
    a_plugin_switched_off_skips_the_slot_and_says_why,
    check_a_plugin_switched_off_skips_the_slot_and_says_why
);

async fn check_run_now_then_delete(backend: Backend) {
    let o = orgs(backend).await;
    let (s, org, by) = (&o.s, o.org, o.by.clone());
    let (task, _theirs) = created(&o).await;
    let (due, _) = ran_at_its_slot(&o, &task).await;
    failed_at_the_next_slot(&o, &task, due).await;
    skipped_while_the_plugin_is_off(&o, due).await;
    o.w.host
        .set_enabled(org, "ticker", true, false, &sdk::Actor::default())
        .await
        .unwrap();

    // Run now, then delete.
    s.update_org_task(
        org,
        task.id,
        input("Echo", every_five(), json!({"message": "now"})),
        &by,
    )
    .await
    .unwrap();
    let run = wait_for_run(s, s.run_org_task_now(org, task.id, &by).await.unwrap()).await;
    assert_eq!(
        (run.status.as_str(), run.trigger.as_str()),
        ("success", "manual")
    );
    s.delete_org_task(org, task.id, &by).await.unwrap();
    assert!(s.org_tasks(org).await.unwrap().is_empty());
    assert_eq!(
        s.delete_org_task(org, task.id, &by)
            .await
            .unwrap_err()
            .kind(),
        "NotFound"
    );
}
both_backends!(run_now_then_delete, check_run_now_then_delete);

/// An organization's one-time task deactivates after its run.
async fn check_an_organizations_one_time_task_switches_off_after_its_run(backend: Backend) {
    let w = World::new(backend).await;
    let s = w.scheduler("a");
    let owner = w.test.user("owner", GlobalLevel::Superadmin).await;
    let org = w.test.org(&owner, "Org").await;
    let at = sdk::time::now_ms() + 5 * MIN;
    let task = s
        .create_org_task(
            org,
            OrgTaskInput {
                name: "Say hi once".into(),
                task_type: "ticker.echo".into(),
                schedule: Schedule::Once { at },
                config: json!({"message": "hi"}),
                active: true,
            },
            &Actor::user(owner.clone()),
        )
        .await
        .unwrap();
    assert_eq!(task.next_run_at, Some(at));
    let key = format!("org:{}", task.id);
    assert!(!tick(&s, at - 1).await.contains(&key));
    assert!(tick(&s, at).await.contains(&key));
    let after = s.org_task(org, task.id).await.unwrap();
    assert!(!after.active);
    assert_eq!(after.next_run_at, None);
    assert_eq!(after.last_status.as_deref(), Some("success"));
    assert!(!tick(&s, at + 10 * MIN).await.contains(&key));
    assert_eq!(
        w.counters.echoes.lock().unwrap().clone(),
        vec![(Some(org), json!({"message": "hi"}))]
    );
}
both_backends!(
    an_organizations_one_time_task_switches_off_after_its_run,
    check_an_organizations_one_time_task_switches_off_after_its_run
);
