//! One match: its details, status steps (with stations), and result.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use sdk::{
    ui::{
        Badge, Button, ButtonKind, Card, ErrorNotice, FormError, SkeletonRows, TextField, Tone,
        TABLE, TD, TH,
    },
    Error,
};
use serde_json::Value;

use crate::{
    api::{
        get_match, list_match_settings, match_lock, match_settings_form, my_rights, AddCrew,
        AdvanceMatch, ApproveCrew, DeleteMatch, RevertMatch, RollMatchSeed, SetMatchResult,
        SetMatchSeed, SubmitMatchSettings, UpdateMatch,
    },
    model::{Match, MatchStatus, RankInput, Rights, StationInput},
};

use super::{match_forms::*, rows::*, *};

#[derive(Clone, Copy)]
pub(super) struct MatchActions {
    pub(super) rows: RowActions,
    pub(super) result: ServerAction<SetMatchResult>,
    pub(super) seed: ServerAction<SetMatchSeed>,
    pub(super) roll_seed: ServerAction<RollMatchSeed>,
    pub(super) approve: ServerAction<ApproveCrew>,
    pub(super) add_crew: ServerAction<AddCrew>,
    pub(super) settings: ServerAction<SubmitMatchSettings>,
    pub(super) update: ServerAction<UpdateMatch>,
    pub(super) delete: ServerAction<DeleteMatch>,
}

impl MatchActions {
    pub(super) fn version(&self) -> usize {
        self.rows.version()
            + self.result.version().get()
            + self.seed.version().get()
            + self.roll_seed.version().get()
            + self.approve.version().get()
            + self.add_crew.version().get()
            + self.settings.version().get()
            + self.update.version().get()
    }
}

#[component]
pub(super) fn MatchPage() -> impl IntoView {
    let org_id = param("org_id");
    let match_id = param("match_id");
    let a = MatchActions {
        rows: RowActions::new(),
        result: ServerAction::new(),
        seed: ServerAction::new(),
        roll_seed: ServerAction::new(),
        approve: ServerAction::new(),
        add_crew: ServerAction::new(),
        settings: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let rights = Resource::new(move || org_id.get(), my_rights);
    let lists = PageLists::new(org_id);
    let data = Resource::new(
        move || (org_id.get(), match_id.get(), a.version()),
        |(org, id, _)| get_match(org, id),
    );
    // One server function per resource: during server rendering, a second call after an await
    // would run without the request's context.
    let form = Resource::new(
        move || (org_id.get(), match_id.get()),
        |(org, id)| match_settings_form(org, id),
    );
    let submissions = Resource::new(
        move || (org_id.get(), match_id.get(), a.settings.version().get()),
        |(org, id, _)| list_match_settings(org, id),
    );
    // Whether another plugin (SpeedGaming) keeps the match's schedule fields.
    let lock = Resource::new(
        move || (org_id.get(), match_id.get(), a.version()),
        |(org, id, _)| match_lock(org, id),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = a.delete.value().get() {
            navigate(&base(org_id.get_untracked()), Default::default());
        }
    });
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                let org = org_id.get_untracked();
                lists.ready().await;
                let lock = lock.await.ok().flatten();
                match (rights.await, data.await, form.await) {
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(rights), Ok(m), Ok(schema)) => view! {
                        {header(org, rights, m.name(), "")}
                        <MatchDetails m=m.clone() schema rights a submissions lists lock/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub(super) fn MatchDetails(
    m: Match,
    schema: Option<Value>,
    rights: Rights,
    a: MatchActions,
    submissions: Resource<Result<Vec<crate::model::SettingsSubmission>, Error>>,
    lists: PageLists,
    lock: Option<crate::api::FieldLockInfo>,
) -> impl IntoView {
    let org = m.org_id;
    let id = m.id;
    let me = rights.user_id;
    let plays = m.players.iter().any(|p| p.user_id == me);
    let timeline = [
        ("Scheduled", m.scheduled_at),
        ("Checked in", m.checked_in_at),
        ("Started", m.started_at),
        ("Finished", m.finished_at),
        ("Recorded", m.confirmed_at),
    ]
    .into_iter()
    .map(|(label, at)| view! { <dt class=MUTED>{label}</dt><dd class="text-sm">{when(&at, "—")}</dd> })
    .collect_view();
    let holds = m
        .holds
        .iter()
        .map(|h| {
            let (holder, reason, path) = (h.holder.clone(), h.reason.clone(), h.path.clone());
            let link = path.map(|href| view! { " " <a class="underline" href=href>"Open its panel"</a> });
            view! { <p class="text-sm" role="status"><Badge tone=Tone::Warning>{holder}</Badge>" "{reason}{link}</p> }
        })
        .collect_view();
    let error = move || {
        a.rows
            .error()
            .or_else(|| a.result.value().get().and_then(|r| r.err()))
            .or_else(|| a.approve.value().get().and_then(|r| r.err()))
            .or_else(|| a.add_crew.value().get().and_then(|r| r.err()))
            .or_else(|| a.delete.value().get().and_then(|r| r.err()))
    };
    let status = m.status;
    let tournament_name = m.tournament_name.clone();
    let stream = m.stream_channel.clone().map(|c| view! { <p class="mt-2 text-sm">"Stream: "<a class=LINK href=c.stream_url.clone()>{c.name.clone()}</a></p> });
    let comment = (!m.comment.is_empty()).then(|| {
        let comment = m.comment.clone();
        view! { <p class="mt-2 whitespace-pre-line text-sm">{comment}</p> }
    });
    let steps = rights
        .advance
        .then(|| view! { <StepControls m=m.clone() a/> });
    let status_card = view! {
        <Card title="Status">
            <div class="flex flex-wrap items-center gap-2">{status_badge(status)} <span class=MUTED>{tournament_name}</span></div>
            {holds}
            <dl class="mt-3 grid grid-cols-[8rem_1fr] gap-1">{timeline}</dl>
            {stream}
            {comment}
            {move || error().map(|error| view! { <ErrorNotice error/> })}
            {steps}
        </Card>
    };
    let player_rows = m
        .players
        .iter()
        .map(|p| {
            let rank = p
                .finish_rank
                .map(|r| view! { <span class="font-semibold">{format!("#{r} ")}</span> });
            let station = p
                .station
                .clone()
                .map(|s| view! { <span class=MUTED>{format!(" · station {s}")}</span> });
            let name = p.display_name.clone();
            view! { <li>{rank}{name}{station}</li> }
        })
        .collect_view();
    let result = (rights.advance
        && matches!(m.status, MatchStatus::InProgress | MatchStatus::Finished))
    .then(|| view! { <ResultForm m=m.clone() a/> });
    let players_card = view! {
        <Card title="Players">
            <ul class="grid gap-1 text-sm" id="match-players">{player_rows}</ul>
            {result}
        </Card>
    };
    let crew = view! { <CrewList m=m.clone() rights a plays lists/> };
    let crew_card = view! { <Card title="Crew">{crew}</Card> };
    // A rolled seed links to its entry in the presets plugin's seed history.
    let history_link = m.seed_roll_id.map(|n| {
        view! {
            <p class="text-sm">
                <a id="seed-history-link" class=LINK href=format!("/org/{org}/presets/seeds?seed={n}")>
                    {format!("Seed #{n} in the seed history")}
                </a>
            </p>
        }
    });
    let seed_view = match m.seed.clone() {
        Some(seed) => view! {
            <p class="text-sm"><a id="seed-link" class=LINK href=seed.url.clone() target="_blank" rel="noopener">{seed.url.clone()}</a></p>
            <p class=MUTED>{seed.description.clone()}</p>
            {history_link}
        }
        .into_any(),
        None => view! { <p class=MUTED>"No seed yet."</p> }.into_any(),
    };
    let seed_form = rights
        .update_match
        .then(|| view! { <SeedForm m=m.clone() a/> });
    let seed_card = view! { <Card title="Seed">{seed_view}{seed_form}</Card> };
    let settings_card = m.has_settings_form.then(|| {
        let form = (plays && rights.crew_signup).then(|| {
            let schema = schema.clone().unwrap_or(Value::Null);
            view! { <SettingsForm org match_id=id schema a/> }
        });
        let list = view! {
            <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
                {move || submissions.get().map(|result| match result {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class=MUTED>"No settings submitted yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class=TABLE id="settings-submissions">
                            <thead><tr><th class=TH>"Game"</th><th class=TH>"Player"</th><th class=TH>"Settings"</th><th class=TH>"Notes"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|s| view! {
                                    <tr>
                                        <td class=TD>{s.game_number}</td>
                                        <td class=TD>{s.display_name}</td>
                                        <td class=TD><code class="text-xs">{s.settings.to_string()}</code></td>
                                        <td class=TD>{s.notes}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        };
        view! { <Card title="Settings">{form}{list}</Card> }
    });
    let edit_card = rights.update_match.then(|| {
        let form = view! { <EditMatchForm m=m.clone() a lists lock/> };
        view! { <Card title="Edit match">{form}</Card> }
    });
    let delete_card = rights
        .delete_match
        .then(|| view! { <DeleteMatch org match_id=id a/> });
    view! {
        <div class="mt-4 grid gap-6 lg:grid-cols-2">
            {status_card}
            {players_card}
            {crew_card}
            {seed_card}
            {settings_card}
            {edit_card}
            {delete_card}
        </div>
    }
}

/// Advance / revert, with station inputs for checking in an onsite match.
#[component]
pub(super) fn StepControls(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let from = m.status.key().to_string();
    let needs_stations = m.onsite && m.status == MatchStatus::Scheduled;
    let stations: Vec<(i64, String, RwSignal<String>)> = m
        .players
        .iter()
        .map(|p| {
            (
                p.user_id,
                p.display_name.clone(),
                RwSignal::new(String::new()),
            )
        })
        .collect();
    let inputs = needs_stations.then(|| {
        stations
            .iter()
            .map(|(user, name, value)| view! { <TextField label=format!("Station of {name}") name=format!("station-{user}") value=*value/> })
            .collect_view()
    });
    let (f1, f2) = (from.clone(), from);
    let advance = move |_| {
        let stations = stations
            .iter()
            .filter(|_| needs_stations)
            .map(|(user, _, value)| StationInput {
                user_id: *user,
                station: value.get_untracked(),
            })
            .collect();
        a.rows.advance.dispatch(AdvanceMatch {
            org_id: org,
            match_id: id,
            stations,
            from: Some(f1.clone()),
        });
    };
    view! {
        <div class="mt-4 grid gap-2">
            {inputs}
            <div class="flex flex-wrap gap-2">
                {m.status.next().filter(|_| m.status != MatchStatus::Pending).map(|next| view! {
                    <Button id="advance" busy=a.rows.advance.pending() on_click=Callback::new(advance)>{format!("Advance to {}", next.label())}</Button>
                })}
                {m.status.previous().map(|previous| view! {
                    <Button id="revert" kind=ButtonKind::Secondary busy=a.rows.revert.pending()
                        on_click=Callback::new(move |_| { a.rows.revert.dispatch(RevertMatch { org_id: org, match_id: id, from: Some(f2.clone()) }); })>
                        {format!("Back to {}", previous.label())}
                    </Button>
                })}
            </div>
        </div>
    }
}

/// Finish ranks, one per player (1 = winner; equal ranks are ties).
#[component]
pub(super) fn ResultForm(m: Match, a: MatchActions) -> impl IntoView {
    let (org, id) = (m.org_id, m.id);
    let ranks: Vec<(i64, String, RwSignal<String>)> = m
        .players
        .iter()
        .map(|p| {
            (
                p.user_id,
                p.display_name.clone(),
                RwSignal::new(p.finish_rank.map(|r| r.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let local_error = RwSignal::new(None::<Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| a.result.value().get().and_then(|r| r.err()))
    });
    let inputs = ranks
        .iter()
        .map(|(user, name, value)| view! { <TextField label=format!("Rank of {name}") name=format!("rank-{user}") value=*value input_type="number"/> })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let mut given = Vec::new();
        for (user, name, value) in &ranks {
            match value.get_untracked().trim().parse::<i64>() {
                Ok(rank) => given.push(RankInput {
                    user_id: *user,
                    rank,
                }),
                Err(_) => {
                    local_error.set(Some(Error::invalid(
                        "ranks",
                        format!("Enter a rank for {name} (1 = winner)."),
                    )));
                    return;
                }
            }
        }
        a.result.dispatch(SetMatchResult {
            org_id: org,
            match_id: id,
            ranks: given,
        });
    };
    view! {
        <form id="result-form" class="mt-4 grid gap-2" on:submit=submit>
            {inputs}
            <FormError error fields=&[]/>
            <div><Button button_type="submit" busy=a.result.pending()>"Record result"</Button></div>
        </form>
    }
}
