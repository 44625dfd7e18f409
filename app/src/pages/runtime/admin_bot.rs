//! Site admin → Bot: whether the Discord bot is connected (and which instance holds the
//! gateway), the commands plugins contribute, and the Discord servers linked to organizations.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    time::{format_utc, relative},
    ui::{Badge, Card, EmptyState, SkeletonRows, Tone},
};

use crate::{
    api::runtime::admin_bot,
    pages::{admin::admin_tabs, shared::LoadError},
};

#[component]
pub fn AdminBotPage() -> impl IntoView {
    let bot = Resource::new(|| (), |_| admin_bot());
    view! {
        <Title text="Discord bot · Site admin"/>
        {admin_tabs("/admin/bot")}
        <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match bot.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(bot) => {
                        let s = bot.status.clone();
                        let now = sdk::time::now_ms();
                        view! {
                            <Card title="Status">
                                <div id="bot-status" class="flex flex-col gap-2 text-sm">
                                    {if !s.configured {
                                        view! { <p><Badge>"off"</Badge> " The bot is off: no DISCORD_TOKEN is configured. Set it and restart to connect the bot."</p> }.into_any()
                                    } else if s.connected {
                                        view! { <p><Badge tone=Tone::Good>"connected"</Badge> {format!(" as {}", s.bot_user.clone().unwrap_or_default())}</p> }.into_any()
                                    } else if s.holds_gateway {
                                        view! { <p><Badge tone=Tone::Warning>"connecting"</Badge> " This instance holds the gateway and is connecting."</p> }.into_any()
                                    } else {
                                        view! { <p><Badge>"standby"</Badge> " Another instance holds the gateway; this one takes over if it stops."</p> }.into_any()
                                    }}
                                    {s.gateway_instance.clone().map(|i| view! { <p>"Gateway held by instance " <code>{i}</code></p> })}
                                    {s.ready_at.map(|at| view! { <p>{format!("Ready since {} ({})", format_utc(at), relative(at, now))}</p> })}
                                    {s.last_error.clone().map(|e| view! { <p class="text-red-700 dark:text-red-300">{format!("Last problem: {e}")}</p> })}
                                </div>
                            </Card>
                            <div class="mt-6 grid gap-6 lg:grid-cols-2">
                                <Card title="Commands">
                                    {if bot.commands.is_empty() {
                                        view! { <EmptyState title="No plugin contributes a command"/> }.into_any()
                                    } else {
                                        view! {
                                            <ul id="bot-commands" class="flex flex-col gap-1 text-sm">
                                                {bot.commands.iter().map(|(name, plugin)| {
                                                    let registered = s.commands_registered.contains(name);
                                                    view! {
                                                        <li><code>{format!("/{name}")}</code> <span class="text-xs text-slate-500">{format!(" from {plugin}")}</span>
                                                        {registered.then(|| view! { " " <Badge tone=Tone::Good>"registered"</Badge> })}</li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </Card>
                                <Card title="Linked Discord servers">
                                    {if bot.guilds.is_empty() {
                                        view! { <EmptyState title="No Discord server is linked" detail="Organization admins link their servers from their organization's Discord page."/> }.into_any()
                                    } else {
                                        view! {
                                            <ul id="bot-guilds" class="flex flex-col gap-1 text-sm">
                                                {bot.guilds.into_iter().map(|g| view! {
                                                    <li>{g.guild_name.clone()} <span class="text-xs text-slate-500">{format!(" ({}) → ", g.guild_id)}</span>
                                                    <a class="text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/org/{}", g.org_id)>{g.org_name.clone()}</a></li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
