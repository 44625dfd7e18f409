//! My notifications: which kinds I get and by which channel, my quiet hours, a test message,
//! and what was sent to me here. The form is built from the settings the server answered (each
//! kind gets its own signals), so a save refetches and shows what was stored.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    ui::{
        time::LocalTime, Badge, Button, Card, Checkbox, EmptyState, ErrorNotice, FormError, Pager,
        Select, SkeletonRows, SuccessNotice, TextField, Tone, TABLE, TD, TH,
    },
};

use super::{kind_label, org_id, status_label};
use crate::{
    api::{get_settings, my_deliveries, SaveSettings, SendTest},
    model::{Delivery, MySettings, SubscriptionInput},
};

/// Badge colour of a delivery status.
pub(super) fn status_tone(status: &str) -> Tone {
    match status {
        "sent" => Tone::Good,
        "dead" => Tone::Bad,
        "pending" => Tone::Warning,
        _ => Tone::Neutral,
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let org_id = org_id();
    let save = ServerAction::<SaveSettings>::new();
    let test = ServerAction::<SendTest>::new();
    // Read again only after a save that worked: a refused one keeps what the user typed in the
    // form (re-reading would put the stored values back over their input).
    let stored = Memo::new(move |prev: Option<&usize>| {
        let prev = prev.copied().unwrap_or(0);
        if save.pending().get() {
            return prev;
        }
        match save.value().get() {
            Some(Ok(_)) => save.version().get(),
            _ => prev,
        }
    });
    let settings = Resource::new(
        move || (org_id.get(), stored.get()),
        |(org, _)| get_settings(org),
    );
    let before = RwSignal::new(None::<i64>);
    let sent = Resource::new(
        move || (org_id.get(), test.version().get(), before.get()),
        |(org, _, before)| my_deliveries(org, PageRequest::after(before)),
    );
    view! {
        <div class="grid gap-4 lg:grid-cols-2">
            <Card title="What you get">
                <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
                    {move || Suspend::new(async move {
                        match settings.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(current) => view! { <SettingsForm org_id current save/> }.into_any(),
                        }
                    })}
                </Suspense>
            </Card>
            <div class="flex flex-col gap-4">
                <Card title="Test notification">
                    <p class="mb-3 text-sm text-slate-600 dark:text-slate-300">
                        "Sends you a direct message now, so you can see that notifications reach you."
                    </p>
                    <Button id="notifications-send-test" busy=test.pending()
                        on_click=Callback::new(move |_| { test.dispatch(SendTest { org_id: org_id.get_untracked() }); })>
                        "Send me a test notification"
                    </Button>
                    <div id="notifications-test-result" class="mt-3">
                        {move || test.value().get().map(|result| match result {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(d) if d.status == "sent" => view! { <SuccessNotice message="Sent: check your Discord direct messages."/> }.into_any(),
                            Ok(d) => view! {
                                <ErrorNotice error=sdk::Error::upstream("Discord", d.last_error.unwrap_or_else(|| "Not sent yet; it will be tried again.".into()))/>
                            }.into_any(),
                        })}
                    </div>
                </Card>
                <Card title="Sent to you">
                    <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                        {move || Suspend::new(async move {
                            match sent.await {
                                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                                Ok(page) if page.items.is_empty() => view! { <EmptyState title="Nothing sent to you yet"/> }.into_any(),
                                Ok(page) => {
                                    let next = page.next_before_id;
                                    view! { <MyLog items=page.items/> <Pager before next/> }.into_any()
                                }
                            }
                        })}
                    </Suspense>
                </Card>
            </div>
        </div>
    }
}

/// The caller's deliveries.
#[component]
fn MyLog(items: Vec<Delivery>) -> impl IntoView {
    view! {
        <table class=TABLE id="notifications-my-log">
            <thead><tr><th class=TH>"Notification"</th><th class=TH>"Status"</th><th class=TH>"Queued"</th></tr></thead>
            <tbody>
                {items.into_iter().map(|d| {
                    let tone = status_tone(&d.status);
                    let label = status_label(&d.status);
                    view! {
                        <tr data-status=d.status.clone()>
                            <td class=TD>
                                <div class="font-medium">{d.subject}</div>
                                <div class="text-xs text-slate-500">{kind_label(&d.event_type)}</div>
                                {d.last_error.map(|e| view! { <div class="text-xs text-red-600 dark:text-red-400">{e}</div> })}
                            </td>
                            <td class=TD><Badge tone>{label}</Badge></td>
                            <td class=TD><LocalTime epoch_ms=d.created_at/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One kind of notification in the form.
#[derive(Clone, Copy)]
struct Row {
    event_type: StoredValue<String>,
    enabled: RwSignal<bool>,
    channel: RwSignal<String>,
}

/// The form over the settings as stored.
#[component]
fn SettingsForm(
    org_id: Memo<i64>,
    current: MySettings,
    save: ServerAction<SaveSettings>,
) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(_))));
    let channels: Vec<(String, String)> = current
        .channels
        .iter()
        .map(|c| (c.key.clone(), c.label.clone()))
        .collect();
    let rows: Vec<(Row, String, String)> = current
        .subscriptions
        .iter()
        .map(|s| {
            (
                Row {
                    event_type: StoredValue::new(s.event_type.clone()),
                    enabled: RwSignal::new(s.enabled),
                    channel: RwSignal::new(s.channel.clone()),
                },
                s.label.clone(),
                s.description.clone(),
            )
        })
        .collect();
    let handles: Vec<Row> = rows.iter().map(|(r, _, _)| *r).collect();
    let quiet_start = RwSignal::new(current.quiet_start.clone().unwrap_or_default());
    let quiet_end = RwSignal::new(current.quiet_end.clone().unwrap_or_default());
    let zone_note = match &current.time_zone {
        Some(zone) => format!("Read in your profile's time zone, {zone}. Leave both blank for none."),
        None => "Read in UTC: set your time zone on your profile to use your own. Leave both blank for none.".to_string(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let subscriptions = handles
            .iter()
            .map(|r| SubscriptionInput {
                event_type: r.event_type.get_value(),
                enabled: r.enabled.get_untracked(),
                channel: r.channel.get_untracked(),
            })
            .collect();
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|t| !t.trim().is_empty());
        save.dispatch(SaveSettings {
            org_id: org_id.get_untracked(),
            subscriptions,
            quiet_start: text(quiet_start),
            quiet_end: text(quiet_end),
        });
    };
    view! {
        {(!current.discord_linked).then(|| view! {
            <div id="notifications-no-discord" role="alert" class="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-800 dark:border-amber-700 dark:bg-amber-900/30 dark:text-amber-200">
                "You have no Discord account linked, so direct messages cannot reach you. Sign in with Discord once to link it."
            </div>
        })}
        <form id="notifications-settings" class="flex flex-col gap-4" on:submit=submit>
            <div class="flex flex-col gap-3">
                {rows.into_iter().map(|(row, label, description)| {
                    let key = row.event_type.get_value();
                    let options = channels.clone();
                    view! {
                        <div class="flex flex-col gap-1 rounded-md border border-slate-200 p-3 dark:border-slate-700" data-event-type=key.clone()>
                            <Checkbox label name=format!("sub-{key}") checked=row.enabled/>
                            <p class="text-xs text-slate-500 dark:text-slate-400">{description}</p>
                            <Select label="By" name=format!("channel-{key}") value=row.channel options=Signal::derive(move || options.clone())/>
                        </div>
                    }
                }).collect_view()}
            </div>
            <fieldset class="flex flex-col gap-2">
                <legend class="text-sm font-semibold">"Quiet hours"</legend>
                <div class="grid grid-cols-2 gap-3">
                    <TextField label="From" name="quiet_start" input_type="time" value=quiet_start error/>
                    <TextField label="Until" name="quiet_end" input_type="time" value=quiet_end error/>
                </div>
                <p class="text-xs text-slate-500 dark:text-slate-400">{zone_note}
                    " Messages due in this window wait until it ends; reminders that would arrive after the match are dropped."</p>
            </fieldset>
            <FormError error fields=&["quiet_start", "quiet_end"]/>
            <Show when=move || saved.get()>
                <SuccessNotice message="Saved."/>
            </Show>
            <div><Button button_type="submit" id="notifications-save" busy=save.pending()>"Save"</Button></div>
        </form>
    }
}
