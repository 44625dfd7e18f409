//! The signed-in user's pages: sign in, profile, API keys.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sdk::{
    identity::model::{ProfileUpdate, RacetimeStatus},
    time::format_utc,
    ui::{
        Button, ButtonKind, Card, Checkbox, EmptyState, FormError, LocalTime, PageHeader, Pager,
        Select, SkeletonRows, SuccessNotice, TextField, ViewerZone, TABLE, TD, TH,
    },
};

use super::shared::{failed, LoadError};
use crate::{
    api::account::{
        list_api_tokens, my_profile, my_racetime, time_zones, CreateApiToken, RevokeApiToken,
        UnlinkRacetime, UpdateProfile,
    },
    session::use_session,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let redirect = move || {
        query
            .with(|q| q.get("redirect"))
            .unwrap_or_else(|| "/".into())
    };
    view! {
        <Title text="Sign in"/>
        <div class="mx-auto flex max-w-md flex-col gap-6 py-8">
            <PageHeader title="Sign in" subtitle="SahaBot uses your Discord account; no separate password."/>
            <Card>
                <div class="flex flex-col gap-4">
                    <a id="sign-in-discord" rel="external" href=move || format!("/auth/login?redirect={}", redirect())
                        class="inline-flex items-center justify-center rounded-md bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2">
                        "Sign in with Discord"
                    </a>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Running your own server without a Discord app? An admin can give you a one-time login link: "
                        <code class="rounded bg-slate-100 px-1 dark:bg-slate-700">"sahabot users login-link <name>"</code>
                    </p>
                </div>
            </Card>
        </div>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(
        || (),
        |_| async move { Ok::<_, sdk::Error>((my_profile().await?, time_zones().await?)) },
    );
    view! {
        <Title text="Profile"/>
        <PageHeader title="Your profile" subtitle="How other people see you on schedules and leaderboards."/>
        <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok((profile, zones)) => view! {
                        <div class="flex flex-col gap-6">
                            <ProfileForm profile zones/>
                            <RacetimeCard/>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(profile: sdk::identity::model::UserInfo, zones: Vec<String>) -> impl IntoView {
    let session = use_session();
    let save = ServerAction::<UpdateProfile>::new();
    let time_zone = RwSignal::new(profile.time_zone.clone().unwrap_or_default());
    let zone_options: Vec<(String, String)> =
        std::iter::once((String::new(), "Use my browser's time zone".to_string()))
            .chain(zones.into_iter().map(|z| (z.clone(), z)))
            .collect();
    let zone_error = Signal::derive(move || {
        failed(save.value().get())
            .filter(|e| e.field() == Some("time_zone"))
            .map(|e| e.message())
    });
    let created_at = profile.created_at;
    let display_name = RwSignal::new(profile.display_name.clone().unwrap_or_default());
    let pronouns = RwSignal::new(profile.pronouns.clone().unwrap_or_default());
    let show_pronouns = RwSignal::new(profile.show_pronouns);
    let error = Signal::derive(move || failed(save.value().get()));
    let viewer_zone = use_context::<ViewerZone>();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if let Some(zone) = viewer_zone {
                zone.0.set(saved.time_zone.clone());
            }
            session.refresh();
        }
    });
    view! {
        <Card class="max-w-xl">
            <form class="flex flex-col gap-4" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(UpdateProfile { update: ProfileUpdate {
                    display_name: display_name.get_untracked(),
                    pronouns: pronouns.get_untracked(),
                    show_pronouns: show_pronouns.get_untracked(),
                    time_zone: Some(time_zone.get_untracked()),
                }});
            }>
                <p class="text-sm text-slate-600 dark:text-slate-300">"Username: "<strong>{profile.username.clone()}</strong>
                    {profile.discord_username.clone().map(|d| view! { " · Discord: "<strong>{d}</strong> })}
                    " · Level: "{profile.level.label()}</p>
                <TextField label="Display name" name="display_name" value=display_name error help="Shown instead of your username. Up to 64 characters."/>
                <TextField label="Pronouns" name="pronouns" value=pronouns error placeholder="she/her, they/them, …"/>
                <Checkbox label="Show my pronouns next to my name" name="show_pronouns" checked=show_pronouns/>
                <div class="flex flex-col gap-1">
                    <Select label="Time zone" name="time_zone" value=time_zone options=zone_options/>
                    {move || zone_error.get().map(|message| view! {
                        <p id="field-time_zone-error" role="alert" class="text-sm text-red-600 dark:text-red-400">{message}</p>
                    })}
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Times on every page are shown in this zone. Member since: "
                        <LocalTime id="profile-member-since" epoch_ms=created_at/>
                    </p>
                </div>
                <FormError error fields=&["display_name", "pronouns", "time_zone"]/>
                {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Profile saved."/> })}
                <div><Button button_type="submit" busy=save.pending()>"Save profile"</Button></div>
            </form>
        </Card>
    }
}

/// The RaceTime.gg link: Link (through RaceTime's OAuth2), the linked name, Unlink.
#[component]
fn RacetimeCard() -> impl IntoView {
    let unlink = ServerAction::<UnlinkRacetime>::new();
    let status = Resource::new(move || unlink.version().get(), |_| my_racetime());
    let error = Signal::derive(move || failed(unlink.value().get()));
    let query = use_query_map();
    let just_linked = move || query.with(|q| q.get("racetime")).as_deref() == Some("linked");
    view! {
        <Card title="RaceTime" class="max-w-xl">
            <div id="racetime-card" class="flex flex-col gap-3 text-sm">
                <Suspense fallback=|| view! { <SkeletonRows rows=1/> }>
                    {move || Suspend::new(async move {
                        match status.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(RacetimeStatus { linked_name: Some(name), .. }) => view! {
                                <p>"Linked to RaceTime.gg as "<strong id="racetime-name">{name}</strong>"."</p>
                                {just_linked().then(|| view! { <SuccessNotice message="RaceTime.gg account linked."/> })}
                                <div><Button kind=ButtonKind::Secondary busy=unlink.pending()
                                    on_click=Callback::new(move |_| { unlink.dispatch(UnlinkRacetime {}); })>
                                    "Unlink RaceTime.gg"
                                </Button></div>
                            }.into_any(),
                            Ok(RacetimeStatus { configured: false, .. }) => view! {
                                <p id="racetime-not-configured" class="text-slate-600 dark:text-slate-300">
                                    "Linking RaceTime.gg accounts is not configured on this site."
                                </p>
                            }.into_any(),
                            Ok(_) => view! {
                                <p class="text-slate-600 dark:text-slate-300">"Some qualifiers require a linked RaceTime.gg account."</p>
                                <div><a id="racetime-link" rel="external" href="/auth/racetime/link"
                                    class="inline-flex items-center justify-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2">
                                    "Link RaceTime.gg"
                                </a></div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <FormError error/>
            </div>
        </Card>
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let before = RwSignal::new(None::<i64>);
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get(), before.get()),
        |(.., before)| list_api_tokens(sdk::page::PageRequest::after(before)),
    );
    let name = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        failed(create.value().get()).or_else(|| failed(revoke.value().get()))
    });
    view! {
        <Title text="API keys"/>
        <PageHeader title="API keys" subtitle="Tokens for scripts and bots: send them as `Authorization: Bearer <token>`. 60 requests a minute unless an admin sets otherwise."/>
        <p class="mb-4 text-sm">
            // A plain link: the reference is its own page, not part of the app.
            <a id="api-docs-link" rel="external" class="font-medium text-indigo-600 underline dark:text-indigo-400" href="/api/docs">"API reference"</a>
            " — every endpoint with its arguments, answers and errors, and "
            <a rel="external" class="underline" href="/api/openapi.json">"the OpenAPI document"</a>
            " to generate a client from."
        </p>
        <div class="grid gap-6 lg:grid-cols-3">
            <Card title="New key">
                <form class="flex flex-col gap-4" on:submit=move |ev| {
                    ev.prevent_default();
                    create.dispatch(CreateApiToken { name: name.get_untracked(), expires_at: None });
                }>
                    <TextField label="Name" name="name" value=name error help="So you can tell your keys apart." required=true/>
                    <FormError error fields=&["name"]/>
                    <div><Button button_type="submit" busy=create.pending()>"Create key"</Button></div>
                    {move || create.value().get().and_then(|r| r.ok()).map(|created| view! {
                        <div class="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-900/30">
                            <strong>"Copy it now — it is shown only once."</strong>
                            <input id="new-token" readonly class="w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900" value=created.secret/>
                        </div>
                    })}
                </form>
            </Card>
            <Card title="Your keys" class="lg:col-span-2">
                <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match tokens.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <EmptyState title="No API keys yet" detail="Create one to call the API from a script."/> }.into_any(),
                            Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                <table class=TABLE>
                                    <thead><tr><th class=TH>"Name"</th><th class=TH>"Created"</th><th class=TH>"Last used"</th><th class=TH>"Status"</th><th class=TH></th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|token| {
                                            let id = token.id;
                                            view! {
                                                <tr>
                                                    <td class=TD>{token.name}</td>
                                                    <td class=TD>{format_utc(token.created_at)}</td>
                                                    <td class=TD>{token.last_used_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
                                                    <td class=TD>{if token.is_active { "active" } else { "revoked" }}</td>
                                                    <td class=TD>{token.is_active.then(|| view! {
                                                        <button class="text-sm font-medium text-red-600 hover:underline dark:text-red-400"
                                                            on:click=move |_| { revoke.dispatch(RevokeApiToken { token_id: id }); }>"Revoke"</button>
                                                    })}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </Card>
        </div>
    }
}
