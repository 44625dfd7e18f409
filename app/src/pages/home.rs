use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    time::format_utc,
    ui::{Badge, Button, ButtonKind, Card, ErrorNotice, SkeletonRows, Tone},
};

use crate::api::{server_status, ServerStatus, StatusReport};

/// The landing page: what SahaBot is for, and a live server status card.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <div class="flex flex-col gap-10">
            <section class="flex flex-col gap-4 pt-4">
                <p class="text-sm font-semibold uppercase tracking-wider text-indigo-600 dark:text-indigo-400">"Self-hosted community platform"</p>
                <h1 class="max-w-3xl text-3xl font-bold tracking-tight sm:text-4xl">
                    "Run tournaments, async qualifiers and race rooms for your speedrun community."
                </h1>
                <p class="max-w-2xl text-slate-600 dark:text-slate-300">
                    "Each organization switches on the features it needs — schedules and crews, qualifier pools and leaderboards, randomizer presets and seeds, RaceTime rooms and Discord automation."
                </p>
            </section>
            <div class="grid gap-4 md:grid-cols-3">
                <div class="md:col-span-2 grid gap-4 sm:grid-cols-2">
                    <Feature title="Tournaments" text="Matches, schedules in every viewer's time zone, crew signups and stream channels."/>
                    <Feature title="Async qualifiers" text="Pools of seeds, timed runs from the web or Discord, review queue and exact scoring."/>
                    <Feature title="Presets and seeds" text="Randomizer presets in shared namespaces, rolled into seeds on demand."/>
                    <Feature title="Race rooms and Discord" text="RaceTime rooms that open themselves, Discord commands and scheduled events."/>
                </div>
                <ServerStatusCard/>
            </div>
        </div>
    }
}

#[component]
fn Feature(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <Card title=title>
            <p class="text-sm text-slate-600 dark:text-slate-300">{text}</p>
        </Card>
    }
}

/// Loads the status during server rendering; after hydration "Refresh" asks the server again.
/// The clock shown is the server's — the browser only displays it.
#[component]
fn ServerStatusCard() -> impl IntoView {
    let refresh = ServerAction::<ServerStatus>::new();
    let status = Resource::new(move || refresh.version().get(), |_| server_status());
    let refreshes = move || refresh.version().get();

    view! {
        <Card title="Server status" class="flex flex-col gap-4">
            <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(status) => view! { <StatusRows status/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="mt-4 flex items-center gap-3">
                <Button
                    id="refresh-status"
                    kind=ButtonKind::Secondary
                    busy=refresh.pending()
                    on_click=Callback::new(move |_| { refresh.dispatch(ServerStatus {}); })
                >
                    "Refresh"
                </Button>
                <span id="refresh-count" class="text-xs text-slate-500 dark:text-slate-400">
                    {move || match refreshes() {
                        0 => String::new(),
                        1 => "refreshed once".to_string(),
                        n => format!("refreshed {n} times"),
                    }}
                </span>
            </div>
        </Card>
    }
}

#[component]
fn StatusRows(status: StatusReport) -> impl IntoView {
    // A site admin on a site without Discord sign-in is told where to set it up.
    let session = crate::session::use_session();
    let sign_in_missing = !status.needs_setup
        && !status.discord_sign_in
        && session
            .user()
            .is_some_and(|u| u.level >= sdk::auth::GlobalLevel::Admin);
    view! {
        {sign_in_missing.then(|| view! {
            <div id="sign-in-missing" class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                <p class="font-semibold">"Discord sign-in is not set up."</p>
                <p>"Others can only sign in with one-time links until it is. "
                    <a class="font-semibold underline" href="/admin/sign-in">"Set up Discord sign-in"</a></p>
            </div>
        })}
        {status.needs_setup.then(|| view! {
            <div id="first-run" class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
                <p class="font-semibold">"This site has no admin yet."</p>
                <p>"The server printed a one-time setup link when it started (in the terminal running it, just above “SahaBot is running at”). Open it to choose the first admin's name and sign in."</p>
            </div>
        })}
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt class="text-slate-500 dark:text-slate-400">"Server time"</dt>
            <dd id="server-time" class="font-mono tabular-nums" data-ms=status.now_ms.to_string()>{format_utc(status.now_ms)}</dd>
            <dt class="text-slate-500 dark:text-slate-400">"Version"</dt>
            <dd>{status.version}</dd>
            <dt class="text-slate-500 dark:text-slate-400">"Database"</dt>
            <dd><Badge tone=Tone::Good>{status.database}</Badge></dd>
        </dl>
    }
}
