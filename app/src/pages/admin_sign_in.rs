//! Site admin → Sign-in: setting up Discord sign-in without reading the README. The page says
//! whether an application is configured and where; what to register at Discord (the redirect
//! URLs, computed from the site's base URL); where the client id and secret go; and checks,
//! on request, that Discord accepts them (`check_discord_sign_in`).

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    identity::model::{DiscordSignInCheck, DiscordSignInReport},
    ui::{Badge, Button, Card, ErrorNotice, SkeletonRows, SuccessNotice, Tone},
};

use super::{admin::admin_tabs, shared::LoadError};
use crate::api::admin::{discord_sign_in_setup, CheckDiscordSignIn};

const CODE: &str = "rounded bg-slate-100 px-1 font-mono text-xs dark:bg-slate-700";
const BLOCK: &str =
    "overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-900";

#[component]
pub fn AdminSignInPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| discord_sign_in_setup());
    view! {
        <Title text="Sign-in · Site admin"/>
        {admin_tabs("/admin/sign-in")}
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(report) => view! { <SignInSetup report/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignInSetup(report: DiscordSignInReport) -> impl IntoView {
    let configured = report.discord_client_id.is_some();
    let status = match (&report.discord_client_id, &report.configured_in) {
        (Some(id), from) => view! {
            <p><Badge tone=Tone::Good>"configured"</Badge>" Client id "<code class=CODE>{id.clone()}</code>
                {from.clone().map(|f| format!(", from {f}."))}</p>
        }
        .into_any(),
        _ => view! {
            <p><Badge tone=Tone::Warning>"not set up"</Badge>" Nobody can sign in with Discord yet: the server has no Discord application. The three steps below set it up; until then, people sign in with one-time links ("
                <code class=CODE>"sahabot users login-link <name>"</code>")."</p>
        }
        .into_any(),
    };
    let redirects = report.redirect_urls.clone();
    view! {
        <div class="flex flex-col gap-6">
            <Card title="Discord sign-in">
                <div id="discord-sign-in-status" class="text-sm">{status}</div>
            </Card>
            <Card title="1. Register the application at Discord">
                <ol class="ml-5 flex list-decimal flex-col gap-2 text-sm">
                    <li>"Open "<a class="text-indigo-600 hover:underline dark:text-indigo-400" href="https://discord.com/developers/applications" rel="external noopener" target="_blank">"Discord's developer portal"</a>" and create an application (or open the one you use for the bot)."</li>
                    <li>"On its OAuth2 page, add each of these under Redirects, exactly as written:"
                        <ul id="discord-redirect-urls" class="mt-2 flex flex-col gap-1">
                            {redirects.into_iter().map(|r| view! {
                                <li><code class=CODE>{r.url}</code>" "<span class="text-xs text-slate-500 dark:text-slate-400">{format!("for {}", r.used_for)}</span></li>
                            }).collect_view()}
                        </ul>
                    </li>
                    <li>"Copy the client id and the client secret from the same page (Discord shows a secret once; reset it if you no longer have it)."</li>
                </ol>
                <p class="mt-3 text-xs text-slate-500 dark:text-slate-400">
                    "These addresses start with the site's base URL, "<code class=CODE>{report.base_url.clone()}</code>
                    ". If people reach the site at another address, set "<code class=CODE>"SAHABOT_BASE_URL"</code>" to it first and come back here."
                </p>
            </Card>
            <Card title="2. Give them to the server">
                <div class="flex flex-col gap-2 text-sm">
                    <p>"Add these lines to "<code id="discord-config-file" class=CODE>{report.config_file.clone()}</code>" (create the file if it does not exist):"</p>
                    <pre class=BLOCK>{"discord_client_id = \"<client id>\"\ndiscord_client_secret = \"<client secret>\"\n# optional: your Discord user id, made SUPERADMIN when it signs in\nsuperadmin_discord_ids = \"<your Discord user id>\""}</pre>
                    <p>"or set "<code class=CODE>"SAHABOT_DISCORD_CLIENT_ID"</code>" and "<code class=CODE>"SAHABOT_DISCORD_CLIENT_SECRET"</code>" in the server's environment. Then restart the server (stop it with Ctrl-C and start it again, e.g. "<code class=CODE>"make run"</code>")."</p>
                    <p class="text-xs text-slate-500 dark:text-slate-400">"The secret stays on the server: this page never shows it."</p>
                </div>
            </Card>
            <Card title="3. Check">
                <CheckSignIn configured/>
            </Card>
        </div>
    }
}

#[component]
fn CheckSignIn(configured: bool) -> impl IntoView {
    let check = ServerAction::<CheckDiscordSignIn>::new();
    view! {
        <div class="flex flex-col gap-3 text-sm">
            <p>{if configured {
                "Asks Discord now whether it accepts the configured client id and secret."
            } else {
                "Once the server runs with a client id and secret, this asks Discord whether it accepts them."
            }}</p>
            <div>
                <Button id="check-discord-sign-in" busy=check.pending() on_click=Callback::new(move |_| { check.dispatch(CheckDiscordSignIn {}); })>
                    "Check with Discord"
                </Button>
            </div>
            <div id="discord-check-result">
                {move || check.value().get().map(|result| match result {
                    Ok(DiscordSignInCheck { ok: true, detail, .. }) => view! { <SuccessNotice message=detail/> }.into_any(),
                    Ok(DiscordSignInCheck { detail, .. }) => view! {
                        <div role="alert" class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">{detail}</div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                })}
            </div>
        </div>
    }
}
