//! Room settings: the organization's room profiles, and each tournament's rooms — the bot (one
//! a site admin granted), the profile, the goal, automatic rooms and how early they open, and
//! which preset the seed is rolled from.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::{
    page::PageRequest,
    ui::{
        Button, Card, Checkbox, EmptyState, ErrorNotice, FormError, Select, SkeletonRows,
        SuccessNotice, TextArea, TextField, TABLE, TD, TH,
    },
};

use crate::{
    api::{get_tournament_rooms, org_bots, profiles, SaveProfile, SaveTournamentRooms},
    model::{RoomSettings, TournamentRooms},
    rules::presets::{from_form, to_form, RuleForm},
};

fn org_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

fn number(text: &RwSignal<String>, default: i64) -> i64 {
    text.get_untracked().trim().parse().unwrap_or(default)
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let org_id = org_param();
    let save_profile = ServerAction::<SaveProfile>::new();
    let save_rooms = ServerAction::<SaveTournamentRooms>::new();
    let profile_list = Resource::new(
        move || (org_id.get(), save_profile.version().get()),
        |(org, _)| profiles(org),
    );
    let tournament = RwSignal::new(String::new());
    let settings = Resource::new(
        move || {
            (
                org_id.get(),
                tournament.get().parse::<i64>().ok(),
                save_rooms.version().get(),
            )
        },
        |(org, picked, _)| async move {
            match picked {
                Some(id) => get_tournament_rooms(org, id).await,
                None => Ok(None),
            }
        },
    );
    let bots = Resource::new(move || org_id.get(), org_bots);
    let tournaments = Resource::new(
        move || org_id.get(),
        |org| tournament::api::list_tournaments(org, false, PageRequest::default()),
    );

    // The profile form.
    let defaults = RoomSettings::default();
    let name = RwSignal::new(String::new());
    let invitational = RwSignal::new(defaults.invitational);
    let streaming = RwSignal::new(defaults.streaming_required);
    let auto_start = RwSignal::new(defaults.auto_start);
    let unlisted = RwSignal::new(defaults.unlisted);
    let info = RwSignal::new(String::new());
    let delay = RwSignal::new(defaults.start_delay_seconds.to_string());
    let limit = RwSignal::new(defaults.time_limit_hours.to_string());
    let profile_error = Signal::derive(move || save_profile.value().get().and_then(|r| r.err()));

    // The tournament form.
    let bot = RwSignal::new(String::new());
    let profile = RwSignal::new(String::new());
    let goal = RwSignal::new(String::new());
    let auto_open = RwSignal::new(true);
    let minutes = RwSignal::new("30".to_string());
    let rule_kind = RwSignal::new("tournament".to_string());
    let randomizer = RwSignal::new(String::new());
    let preset = RwSignal::new(String::new());
    let lines = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<sdk::Error>);
    let rooms_error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| save_rooms.value().get().and_then(|r| r.err()))
    });
    let saved = Signal::derive(move || matches!(save_rooms.value().get(), Some(Ok(_))));

    // Picking a tournament fills the form with its saved settings.
    Effect::new(move |_| {
        let found = settings.get().and_then(Result::ok).flatten();
        if let Some(s) = found {
            bot.set(s.bot_id.map(|b| b.to_string()).unwrap_or_default());
            profile.set(s.profile_id.map(|p| p.to_string()).unwrap_or_default());
            goal.set(s.goal.clone());
            auto_open.set(s.auto_open);
            minutes.set(s.open_minutes_before.to_string());
            let form = to_form(&s.preset_rule);
            rule_kind.set(form.kind);
            randomizer.set(form.randomizer);
            preset.set(form.preset);
            lines.set(form.lines);
        }
    });
    let tournament_options = Signal::derive(move || {
        let mut out = vec![(String::new(), "Pick a tournament".to_string())];
        out.extend(
            tournaments
                .get()
                .and_then(Result::ok)
                .map(|p| p.items)
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.id.to_string(), t.name)),
        );
        out
    });
    let bot_options = Signal::derive(move || {
        let mut out = vec![(String::new(), "No bot: no rooms".to_string())];
        out.extend(
            bots.get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|b| (b.id.to_string(), format!("{} ({})", b.name, b.category))),
        );
        out
    });
    let profile_options = Signal::derive(move || {
        let mut out = vec![(String::new(), "Defaults".to_string())];
        out.extend(
            profile_list
                .get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id.to_string(), p.name)),
        );
        out
    });
    let rule_options = Signal::derive(|| {
        [
            ("none", "No seed"),
            ("tournament", "The tournament's preset"),
            ("fixed", "One preset"),
            ("per_round", "A preset per round"),
            ("weighted", "Drawn by weight"),
        ]
        .into_iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect::<Vec<_>>()
    });

    view! {
        <div class="grid gap-4 md:grid-cols-2">
            <Card title="Tournament rooms">
                <form id="racetime-tournament-rooms" class="flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    local_error.set(None);
                    let Ok(tournament_id) = tournament.get_untracked().parse::<i64>() else {
                        local_error.set(Some(sdk::Error::invalid("tournament", "Pick a tournament.")));
                        return;
                    };
                    let rule = match from_form(&RuleForm { kind: rule_kind.get_untracked(), randomizer: randomizer.get_untracked(), preset: preset.get_untracked(), lines: lines.get_untracked() }) {
                        Ok(rule) => rule,
                        Err(e) => { local_error.set(Some(e)); return; }
                    };
                    save_rooms.dispatch(SaveTournamentRooms {
                        org_id: org_id.get_untracked(),
                        settings: TournamentRooms {
                            tournament_id,
                            bot_id: bot.get_untracked().parse().ok(),
                            profile_id: profile.get_untracked().parse().ok(),
                            goal: goal.get_untracked(),
                            auto_open: auto_open.get_untracked(),
                            open_minutes_before: number(&minutes, 30),
                            preset_rule: rule,
                        },
                    });
                }>
                    <Select label="Tournament" name="tournament" value=tournament options=tournament_options/>
                    <Select label="Bot" name="bot_id" value=bot options=bot_options/>
                    <Select label="Room profile" name="profile_id" value=profile options=profile_options/>
                    <TextField label="Goal" name="goal" value=goal error=rooms_error placeholder="Beat the game"/>
                    <Checkbox label="Open rooms by themselves before each match" name="auto_open" checked=auto_open/>
                    <TextField label="Minutes before the match" name="open_minutes_before" value=minutes error=rooms_error input_type="number" help="racetime.gg cancels a room with fewer than two joined players 30 minutes after it opens."/>
                    <Select label="Seed" name="preset_rule.kind" value=rule_kind options=rule_options/>
                    <TextField label="Randomizer" name="preset_rule.randomizer" value=randomizer error=rooms_error placeholder="alttpr"/>
                    <TextField label="Preset (or the fallback of a per-round rule)" name="preset_rule.preset" value=preset error=rooms_error placeholder="namespace/name"/>
                    <TextArea label="Per round `Round 1: preset`, or by weight `preset: 3`, one a line" name="preset_rule.lines" value=lines/>
                    <FormError error=rooms_error fields=&["tournament", "bot_id", "profile_id", "goal", "open_minutes_before", "preset_rule.kind", "preset_rule.randomizer", "preset_rule.preset", "preset_rule.lines"]/>
                    <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
                    <div><Button button_type="submit" busy=save_rooms.pending()>"Save"</Button></div>
                </form>
            </Card>
            <Card title="Room profiles">
                <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                    {move || Suspend::new(async move {
                        match profile_list.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <EmptyState title="No room profiles yet"/> }.into_any(),
                            Ok(list) => view! {
                                <table class=TABLE id="racetime-profiles">
                                    <thead><tr><th class=TH>"Profile"</th><th class=TH>"Room"</th></tr></thead>
                                    <tbody>{list.into_iter().map(|p| view! {
                                        <tr><td class=TD>{p.name}</td><td class=TD>{format!(
                                            "{}{}, start delay {} s, time limit {} h",
                                            if p.settings.invitational { "invitational" } else { "open" },
                                            if p.settings.streaming_required { ", streaming required" } else { "" },
                                            p.settings.start_delay_seconds, p.settings.time_limit_hours,
                                        )}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <form id="racetime-profile" class="mt-4 flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    let d = RoomSettings::default();
                    save_profile.dispatch(SaveProfile {
                        org_id: org_id.get_untracked(),
                        name: name.get_untracked(),
                        profile_id: None,
                        settings: RoomSettings {
                            invitational: invitational.get_untracked(),
                            unlisted: unlisted.get_untracked(),
                            streaming_required: streaming.get_untracked(),
                            auto_start: auto_start.get_untracked(),
                            info_template: info.get_untracked(),
                            start_delay_seconds: number(&delay, d.start_delay_seconds),
                            time_limit_hours: number(&limit, d.time_limit_hours),
                            ..d
                        },
                    });
                }>
                    <TextField label="Name" name="name" value=name error=profile_error required=true/>
                    <TextField label="Info ({tournament}, {match}, {players}, {title})" name="info_template" value=info error=profile_error/>
                    <TextField label="Start delay (seconds, 10–60)" name="start_delay_seconds" value=delay error=profile_error input_type="number"/>
                    <TextField label="Time limit (hours, 1–72)" name="time_limit_hours" value=limit error=profile_error input_type="number"/>
                    <Checkbox label="Invitational" name="invitational" checked=invitational/>
                    <Checkbox label="Streaming required" name="streaming_required" checked=streaming/>
                    <Checkbox label="Start when everyone is ready" name="auto_start" checked=auto_start/>
                    <Checkbox label="Unlisted" name="unlisted" checked=unlisted/>
                    <FormError error=profile_error fields=&["name", "info_template", "start_delay_seconds", "time_limit_hours", "chat_message_delay_seconds"]/>
                    <div><Button button_type="submit" busy=save_profile.pending()>"Add profile"</Button></div>
                </form>
            </Card>
        </div>
    }
}
