//! Discord events: pick a tournament, set where and how its matches become Discord events
//! (server, filter, duration, title and description templates), see which matches have events,
//! when it last synced and its last error, and reconcile now. Only what the caller may do is
//! shown (`my_rights`); the server checks again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, Select,
        SkeletonRows, SuccessNotice, TextArea, TextField, TABLE, TD, TH,
    },
};

use crate::{
    api::{get_tournament_events, list_guilds, my_rights, Reconcile, SaveEventSettings},
    model::{EventSettings, MatchFilter, TournamentEvents},
    rules,
};

fn org_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("org_id").and_then(|v| v.parse().ok()).unwrap_or(0)))
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let org_id = org_param();
    let save = ServerAction::<SaveEventSettings>::new();
    let reconcile = ServerAction::<Reconcile>::new();
    let tournament = RwSignal::new(String::new());
    let rights = Resource::new(move || org_id.get(), my_rights);
    let tournaments = Resource::new(move || org_id.get(), open_tournaments);
    let guilds = Resource::new(move || org_id.get(), list_guilds);
    let status = Resource::new(
        move || {
            (
                org_id.get(),
                tournament.get().parse::<i64>().ok(),
                save.version().get(),
                reconcile.version().get(),
            )
        },
        |(org, picked, _, _)| async move {
            match picked {
                Some(id) => get_tournament_events(org, id).await.map(Some),
                None => Ok(None),
            }
        },
    );

    let defaults = rules::default_settings(0);
    let guild = RwSignal::new(String::new());
    let filter = RwSignal::new(defaults.filter.key().to_string());
    let duration = RwSignal::new(defaults.duration_minutes.to_string());
    let title = RwSignal::new(defaults.title_template.clone());
    let description = RwSignal::new(defaults.description_template.clone());
    let local_error = RwSignal::new(None::<sdk::Error>);
    let error = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| save.value().get().and_then(|r| r.err()))
    });
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(_))));
    let manage =
        Signal::derive(move || rights.get().and_then(Result::ok).is_some_and(|r| r.manage));

    // Picking a tournament fills the form with its saved settings (or the defaults).
    Effect::new(move |_| {
        if let Some(Ok(Some(found))) = status.get() {
            let s = found
                .settings
                .clone()
                .unwrap_or_else(|| rules::default_settings(found.tournament_id));
            guild.set(s.guild_id);
            filter.set(s.filter.key().to_string());
            duration.set(s.duration_minutes.to_string());
            title.set(s.title_template);
            description.set(s.description_template);
        }
    });
    let tournament_options = Signal::derive(move || {
        let mut out = vec![(String::new(), "Pick a tournament".to_string())];
        out.extend(
            tournaments
                .get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|t| (t.id.to_string(), t.name)),
        );
        out
    });
    let guild_options = Signal::derive(move || {
        let mut out = vec![(String::new(), "No server: no events".to_string())];
        out.extend(
            guilds
                .get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|g| {
                    (
                        g.guild_id.clone(),
                        format!("{} ({})", g.guild_name, g.guild_id),
                    )
                }),
        );
        out
    });
    let filter_options = Signal::derive(|| {
        MatchFilter::ALL
            .into_iter()
            .map(|f| (f.key().to_string(), f.label().to_string()))
            .collect::<Vec<_>>()
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Ok(tournament_id) = tournament.get_untracked().parse::<i64>() else {
            local_error.set(Some(sdk::Error::invalid(
                "tournament",
                "Pick a tournament.",
            )));
            return;
        };
        let Ok(duration_minutes) = duration.get_untracked().trim().parse::<i64>() else {
            local_error.set(Some(sdk::Error::invalid(
                "duration_minutes",
                "A number of minutes.",
            )));
            return;
        };
        save.dispatch(SaveEventSettings {
            org_id: org_id.get_untracked(),
            settings: EventSettings {
                tournament_id,
                guild_id: guild.get_untracked(),
                filter: MatchFilter::from_key(&filter.get_untracked()).unwrap_or_default(),
                duration_minutes,
                title_template: title.get_untracked(),
                description_template: description.get_untracked(),
            },
        });
    };

    view! {
        <div class="grid gap-4 md:grid-cols-2">
            <Card title="Tournament">
                <form id="discord-events-settings" class="flex flex-col gap-3" on:submit=submit>
                    <Select label="Tournament" name="tournament" value=tournament options=tournament_options/>
                    <Select label="Discord server" name="guild_id" value=guild options=guild_options/>
                    <Select label="Matches" name="filter" value=filter options=filter_options/>
                    <TextField label="Event length (minutes)" name="duration_minutes" value=duration error=error input_type="number"/>
                    <TextField label="Title" name="title_template" value=title error=error help="Placeholders: {match}, {players}, {tournament}, {stream}. At most 100 characters."/>
                    <TextArea label="Description (at most 1000 characters)" name="description_template" value=description error=error/>
                    <FormError error=error fields=&["tournament", "guild_id", "filter", "duration_minutes", "title_template", "description_template"]/>
                    <Show when=move || saved.get()><SuccessNotice message="Saved."/></Show>
                    <Show when=move || manage.get()>
                        <div><Button button_type="submit" busy=save.pending()>"Save"</Button></div>
                    </Show>
                </form>
            </Card>
            <Card title="Events">
                <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match status.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(None) => view! { <EmptyState title="Pick a tournament to see its events."/> }.into_any(),
                            Ok(Some(found)) => view! {
                                <StatusView found=found/>
                                <Show when=move || manage.get()>
                                    <div class="mt-3">
                                        <Button kind=ButtonKind::Secondary busy=reconcile.pending() on_click=Callback::new(move |_| {
                                            if let Ok(tournament_id) = tournament.get_untracked().parse::<i64>() {
                                                reconcile.dispatch(Reconcile { org_id: org_id.get_untracked(), tournament_id });
                                            }
                                        })>"Reconcile now"</Button>
                                    </div>
                                </Show>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                {move || reconcile.value().get().map(|r| match r {
                    Ok(o) => view! { <SuccessNotice message=format!("Reconciled: {} created, {} updated, {} deleted, {} unchanged.", o.created, o.updated, o.deleted, o.unchanged)/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </Card>
        </div>
    }
}

/// Every open tournament of the organization, page after page (an organization runs tens, not
/// thousands; [`MAX_PAGES`] bounds the walk all the same).
async fn open_tournaments(org_id: i64) -> Result<Vec<tournament::model::Tournament>, sdk::Error> {
    const MAX_PAGES: usize = 25;
    let mut all = Vec::new();
    let mut page = PageRequest {
        limit: Some(sdk::page::MAX_LIMIT),
        before_id: None,
    };
    for _ in 0..MAX_PAGES {
        let found = tournament::api::list_tournaments(org_id, false, page).await?;
        all.extend(found.items);
        match found.next_before_id {
            Some(before) => page.before_id = Some(before),
            None => break,
        }
    }
    Ok(all)
}

#[component]
fn StatusView(found: TournamentEvents) -> impl IntoView {
    let last_sync = found.last_sync_at;
    let last_error = found.last_error.clone();
    let rows = found.events.clone();
    view! {
        <div class="flex flex-col gap-2 text-sm">
            <p class="text-gray-600">
                "Matches more than 14 days away get their event once they come within 14 days \
                 (Discord allows 100 upcoming events per server). Switching the plugin off \
                 removes its events from Discord within 15 minutes; switched on again, they \
                 come back."
            </p>
            <p>
                "Last sync: "
                {match last_sync {
                    Some(at) => view! { <LocalTime epoch_ms=at/> }.into_any(),
                    None => view! { <span>"never"</span> }.into_any(),
                }}
            </p>
            {last_error.map(|e| view! { <p class="text-red-700" id="discord-events-last-error">"Last error: " {e}</p> })}
            {if rows.is_empty() {
                view! { <EmptyState title="No match has a Discord event yet."/> }.into_any()
            } else {
                view! {
                    <table class=TABLE>
                        <thead><tr><th class=TH>"Match"</th><th class=TH>"Discord event"</th><th class=TH>"Synced"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|e| view! {
                                <tr>
                                    <td class=TD>{e.match_id}</td>
                                    <td class=TD>{if e.discord_event_id.is_empty() { "being created".to_string() } else { e.discord_event_id.clone() }}</td>
                                    <td class=TD>{match e.synced_at {
                                        Some(at) => view! { <LocalTime epoch_ms=at/> }.into_any(),
                                        None => view! { <span>"—"</span> }.into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}
