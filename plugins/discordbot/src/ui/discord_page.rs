//! The organization's Discord page (`/org/{org_id}/discord`): the bot's status, the
//! organization's linked Discord servers (with unlink), and "Add the bot to a Discord server".
//! The link callback sends the browser back here with `?linked=…` or `?error=…`. Resources and
//! actions are created at the page's top, outside the suspense, so server and browser render the
//! same.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use sdk::{
    time::format_utc,
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, SkeletonRows, SuccessNotice,
        Tone, TABLE, TD, TH,
    },
    Error,
};

use crate::{
    api::{discord_overview, BotInvite, UnlinkServer},
    model::DiscordPage,
};

#[component]
pub fn DiscordServersPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let query = use_query_map();
    let linked = Memo::new(move |_| query.with(|q| q.get("linked")));
    let failed = Memo::new(move |_| query.with(|q| q.get("error")));
    let unlink = ServerAction::<UnlinkServer>::new();
    let invite = ServerAction::<BotInvite>::new();
    let overview = Resource::new(
        move || (org_id.get(), unlink.version().get()),
        |(org, _)| discord_overview(org),
    );
    // The invite is made on the server (it is signed for this user); then off to Discord.
    Effect::new(move |_| {
        if let Some(Ok(link)) = invite.value().get() {
            if let Err(e) = window().location().set_href(&link.url) {
                leptos::logging::warn!("could not open Discord: {e:?}");
            }
        }
    });
    view! {
        <Title text="Discord"/>
        <div class="mb-4 flex flex-col gap-2">
            {move || linked.get().map(|message| view! { <SuccessNotice message/> })}
            {move || failed.get().map(|message| view! { <div id="link-error"><ErrorNotice error=Error::conflict(message)/></div> })}
            {move || unlink.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
            {move || invite.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        </div>
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(page) => view! { <Overview page invite unlink/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(
    page: DiscordPage,
    invite: ServerAction<BotInvite>,
    unlink: ServerAction<UnlinkServer>,
) -> impl IntoView {
    let org_id = page.org_id;
    let status = if !page.bot_configured {
        view! {
            <p id="bot-off" class="text-sm text-slate-700 dark:text-slate-200">
                <Badge tone=Tone::Warning>"Off"</Badge>" "
                "This site has no Discord bot token (DISCORD_TOKEN), so the bot is offline: \
                 servers can still be linked, but commands will not answer until a site admin \
                 configures the token."
            </p>
        }
        .into_any()
    } else if page.bot_online {
        view! {
            <p id="bot-on" class="text-sm">
                <Badge tone=Tone::Good>"Online"</Badge>" "
                {page.bot_user.clone().map(|u| format!("Connected as {u}.")).unwrap_or_else(|| "Connected.".into())}
            </p>
        }
        .into_any()
    } else {
        view! {
            <p id="bot-connecting" class="text-sm">
                <Badge tone=Tone::Warning>"Connecting"</Badge>" "
                "The bot is configured but not connected to Discord right now."
            </p>
        }
        .into_any()
    };
    let problem = page.invite_problem.clone();
    let can_invite = problem.is_none();
    view! {
        <div class="grid gap-4">
            <Card title="The bot">
                {status}
            </Card>
            <Card title="Linked Discord servers">
                {if page.servers.is_empty() {
                    view! {
                        <EmptyState title="No Discord servers linked"
                            detail="Add the bot to a Discord server you administer; that server is then linked to this organization and its members can use the bot's commands there."/>
                    }.into_any()
                } else {
                    view! {
                        <div class="overflow-x-auto">
                        <table class=TABLE id="discord-servers">
                            <thead><tr><th class=TH>"Server"</th><th class=TH>"Linked by"</th><th class=TH>"Linked"</th><th class=TH></th></tr></thead>
                            <tbody>
                                {page.servers.into_iter().map(|server| {
                                    let guild_id = server.guild_id.clone();
                                    view! {
                                        <tr>
                                            <td class=TD>
                                                {server.guild_name.clone()}
                                                <div class="font-mono text-xs text-slate-500">{server.guild_id.clone()}</div>
                                            </td>
                                            <td class=TD>{server.linked_by.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td class=TD>{format_utc(server.linked_at)}</td>
                                            <td class=TD>
                                                <Button kind=ButtonKind::Danger busy=unlink.pending()
                                                    on_click=Callback::new(move |_| { unlink.dispatch(UnlinkServer { org_id, guild_id: guild_id.clone() }); })>
                                                    "Unlink"
                                                </Button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any()
                }}
                <div class="mt-4 flex flex-wrap items-center gap-3">
                    {if can_invite {
                        view! {
                            <Button id="add-bot" busy=invite.pending()
                                on_click=Callback::new(move |_| { invite.dispatch(BotInvite { org_id }); })>
                                "Add the bot to a Discord server"
                            </Button>
                        }.into_any()
                    } else {
                        view! { <p id="invite-problem" class="text-sm text-slate-600 dark:text-slate-300">{problem}</p> }.into_any()
                    }}
                </div>
            </Card>
        </div>
    }
}
