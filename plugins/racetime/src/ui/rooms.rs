//! The rooms page: open a room on demand (a daily race, a live async race) from a granted bot
//! and optionally a preset, and the organization's rooms with their state; and the match room
//! panel (`match/:match_id`), which the match page links to while the room holds the match.
//! Both refresh every few seconds while open, so a race's progress shows without reloading.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::ui::{
    time::LocalTime, Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, Select,
    SkeletonRows, TextField, Tone, TABLE, TD, TH,
};

use crate::{
    api::{
        match_room, org_bots, rooms, CloseRoom, OpenMatchRoom, OpenRoom, ReinviteRoom, RerollRoom,
    },
    model::{Entrant, Room},
};

/// How often an open page reads the rooms again (ms).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const REFRESH_MS: u64 = 3000;

fn param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// A counter that ticks every [`REFRESH_MS`] in the browser (never on the server: no effect is
/// made there, so a page render holds no subscriber the ticking could wake).
fn refresh_tick() -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                let _ = tick.try_update(|t| *t += 1);
            },
            std::time::Duration::from_millis(REFRESH_MS),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}

fn status_tone(status: &str) -> Tone {
    match status {
        "in_progress" | "pending" => Tone::Warning,
        "finished" => Tone::Good,
        "cancelled" => Tone::Bad,
        _ => Tone::Neutral,
    }
}

fn status_label(status: &str) -> String {
    match status {
        "opening" => "Opening".into(),
        "open" => "Open".into(),
        "invitational" => "Invitational".into(),
        "pending" => "Starting".into(),
        "in_progress" => "In progress".into(),
        "finished" => "Finished".into(),
        "cancelled" => "Cancelled".into(),
        other => other.replace('_', " "),
    }
}

#[component]
fn Entrants(entrants: Vec<Entrant>) -> impl IntoView {
    if entrants.is_empty() {
        return view! { <p class="text-sm text-slate-500" data-entrants="0">"No entrants yet."</p> }.into_any();
    }
    let count = entrants.len();
    view! {
        <table class=TABLE data-entrants=count>
            <thead><tr><th class=TH>"Entrant"</th><th class=TH>"State"</th><th class=TH>"Place"</th><th class=TH>"Time"</th></tr></thead>
            <tbody>
                {entrants.into_iter().map(|e| view! {
                    <tr data-entrant=e.racetime_id.clone()>
                        <td class=TD>{e.name}</td>
                        <td class=TD data-entrant-status=e.status.clone()>{e.status.replace('_', " ")}</td>
                        <td class=TD>{e.place.map(|p| p.to_string()).unwrap_or_default()}</td>
                        <td class=TD>{e.finish_time.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// One room: its state, link, seed and entrants.
#[component]
fn RoomSummary(room: Room) -> impl IntoView {
    let link = room.url.clone().map(|url| view! {
        <a class="underline" href=url.clone() target="_blank" rel="noopener">{room.slug.clone().unwrap_or_default()}</a>
    });
    let seed = room.seed_url.clone().map(|url| view! {
        <p class="text-sm">"Seed: "<a class="underline" href=url.clone() target="_blank" rel="noopener">{url.clone()}</a>
        {room.preset.clone().map(|p| format!(" ({p})"))}</p>
    });
    let error = room
        .last_error
        .clone()
        .map(|e| view! { <p class="text-sm text-rose-600" role="alert">{e}</p> });
    let status = room.race_status.clone();
    view! {
        <div class="flex flex-col gap-2" data-room=room.id data-race-status=status>
            <p class="flex items-center gap-2">
                <Badge tone=status_tone(&room.race_status)>{status_label(&room.race_status)}</Badge>
                <span class="font-medium">{room.title.clone()}</span>
                {link}
            </p>
            <p class="text-sm text-slate-500">{room.goal.clone()}</p>
            {seed}
            {error}
            <Entrants entrants=room.entrants.clone()/>
        </div>
    }
}

#[component]
pub fn RoomsPage() -> impl IntoView {
    let org_id = param("org_id");
    let tick = refresh_tick();
    let open = ServerAction::<OpenRoom>::new();
    let list = Resource::new(
        move || (org_id.get(), tick.get(), open.version().get()),
        |(org, _, _)| rooms(org),
    );
    let bots = Resource::new(move || org_id.get(), org_bots);
    let (title, goal, randomizer, preset, bot) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // The first granted bot when none was picked (read when the form is sent, in the browser).
    let first_bot = move || {
        bots.get_untracked()
            .and_then(Result::ok)
            .and_then(|all| all.first().map(|b| b.id))
    };
    let error = Signal::derive(move || open.value().get().and_then(|r| r.err()));
    view! {
        <div class="grid gap-4 md:grid-cols-3">
            <Card title="Open a room">
                <form id="racetime-open" class="flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    let bot_id = bot.get_untracked().parse().ok().or_else(first_bot).unwrap_or(0);
                    open.dispatch(OpenRoom {
                        org_id: org_id.get_untracked(),
                        bot_id,
                        title: title.get_untracked(),
                        profile_id: None,
                        goal: goal.get_untracked(),
                        randomizer: randomizer.get_untracked(),
                        preset: preset.get_untracked(),
                    });
                }>
                    // The bots are read inside their own boundary: a resource read outside one
                    // while the page streams can deadlock the reactive graph on the server.
                    <Suspense fallback=|| view! { <SkeletonRows rows=1/> }>
                        {move || Suspend::new(async move {
                            let options: Vec<(String, String)> = bots
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|b| (b.id.to_string(), format!("{} ({})", b.name, b.category)))
                                .collect();
                            view! { <Select label="Bot" name="bot_id" value=bot options=Signal::stored(options)/> }
                        })}
                    </Suspense>
                    <TextField label="Title" name="title" value=title error required=true/>
                    <TextField label="Goal" name="goal" value=goal error placeholder="Beat the game"/>
                    <TextField label="Randomizer" name="randomizer" value=randomizer error placeholder="alttpr (none: no seed)"/>
                    <TextField label="Preset" name="preset" value=preset error placeholder="namespace/name"/>
                    <FormError error fields=&["title", "goal", "bot_id", "randomizer", "preset"]/>
                    <div><Button button_type="submit" busy=open.pending()>"Open room"</Button></div>
                </form>
            </Card>
            <div class="md:col-span-2">
                <Transition fallback=|| view! { <SkeletonRows rows=4/> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(rooms) if rooms.is_empty() => view! { <EmptyState title="No race rooms yet"/> }.into_any(),
                            Ok(rooms) => view! {
                                <table class=TABLE id="racetime-rooms">
                                    <thead><tr><th class=TH>"Room"</th><th class=TH>"Opened"</th></tr></thead>
                                    <tbody>
                                        {rooms.into_iter().map(|room| {
                                            let opened = room.opened_at;
                                            view! {
                                                <tr>
                                                    <td class=TD><RoomSummary room/></td>
                                                    <td class=TD>{opened.map(|at| view! { <LocalTime epoch_ms=at/> })}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </div>
    }
}

/// The match's room panel: its state as the race goes, and the manager's actions.
#[component]
pub fn MatchRoomPage() -> impl IntoView {
    let org_id = param("org_id");
    let match_id = param("match_id");
    let tick = refresh_tick();
    let open = ServerAction::<OpenMatchRoom>::new();
    let reroll = ServerAction::<RerollRoom>::new();
    let reinvite = ServerAction::<ReinviteRoom>::new();
    let close = ServerAction::<CloseRoom>::new();
    let room = Resource::new(
        move || {
            (
                org_id.get(),
                match_id.get(),
                tick.get(),
                open.version().get(),
                close.version().get(),
                reroll.version().get(),
            )
        },
        |(org, m, ..)| match_room(org, m),
    );
    let error = Signal::derive(move || {
        open.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| reroll.value().get().and_then(|r| r.err()))
            .or_else(|| reinvite.value().get().and_then(|r| r.err()))
            .or_else(|| close.value().get().and_then(|r| r.err()))
    });
    view! {
        <Card title="Race room">
            <div id="racetime-match-room" class="flex flex-col gap-3">
                <Transition fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match room.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(None) => view! {
                                <EmptyState title="No race room for this match yet"/>
                            }.into_any(),
                            Ok(Some(r)) => {
                                let id = r.id;
                                let live = r.closed_at.is_none();
                                view! {
                                    <RoomSummary room=r/>
                                    <Show when=move || live>
                                        <div class="flex flex-wrap gap-2">
                                            <Button kind=ButtonKind::Secondary busy=reroll.pending() on_click=Callback::new(move |_| { reroll.dispatch(RerollRoom { org_id: org_id.get_untracked(), room_id: id }); })>"Re-roll seed"</Button>
                                            <Button kind=ButtonKind::Secondary busy=reinvite.pending() on_click=Callback::new(move |_| { reinvite.dispatch(ReinviteRoom { org_id: org_id.get_untracked(), room_id: id }); })>"Re-invite players"</Button>
                                            <Button kind=ButtonKind::Danger busy=close.pending() on_click=Callback::new(move |_| { close.dispatch(CloseRoom { org_id: org_id.get_untracked(), room_id: id }); })>"Close room"</Button>
                                        </div>
                                    </Show>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
                <div>
                    <Button busy=open.pending() id="racetime-open-match" on_click=Callback::new(move |_| { open.dispatch(OpenMatchRoom { org_id: org_id.get_untracked(), match_id: match_id.get_untracked() }); })>"Open room now"</Button>
                </div>
                <FormError error fields=&["tournament", "bot_id", "room", "preset"]/>
            </div>
        </Card>
    }
}
