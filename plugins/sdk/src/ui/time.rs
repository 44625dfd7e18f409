//! Instants shown in the viewer's time zone.
//!
//! The server renders in the zone the viewer chose on their profile (the app provides it as a
//! [`ViewerZone`] context), or in UTC labelled "UTC" when they chose none; after hydration a
//! viewer without a profile zone sees the browser's zone instead. Both sides format with
//! [`crate::time::format_with_offset`], so the first render in the browser matches the server's
//! HTML and later changes arrive through signals set in effects.

use leptos::prelude::*;

use crate::time::{self, TimeStyle};

/// The zone the viewer chose on their profile (`None`: the browser's), provided by the app.
#[derive(Debug, Clone, Copy)]
pub struct ViewerZone(pub RwSignal<Option<String>>);

/// Provides the viewer's profile zone to every [`LocalTime`] below.
pub fn provide_viewer_zone(zone: Option<String>) -> ViewerZone {
    let ctx = ViewerZone(RwSignal::new(zone));
    provide_context(ctx);
    ctx
}

/// The viewer's profile zone, if the app provided one.
pub fn viewer_zone() -> Option<String> {
    use_context::<ViewerZone>().and_then(|z| z.0.get())
}

/// `2026-03-08 02:30 UTC-05:00` in the viewer's zone, inside `<time datetime="…Z">` with the
/// UTC reading as its tooltip; with `relative`, a "(in 2 h 5 min)" hint that ticks every 30 s in
/// the browser.
#[component]
pub fn LocalTime(
    #[prop(into)] epoch_ms: Signal<i64>,
    #[prop(optional)] style: TimeStyle,
    #[prop(optional)] relative: bool,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let profile = use_context::<ViewerZone>().map(|z| z.0);
    // Set only in the browser, after hydration: the server never knows these.
    let browser = RwSignal::new(None::<String>);
    let now = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        browser.set(time::browser_zone());
        if relative {
            now.set(Some(time::now_ms()));
            let handle = set_interval_with_handle(
                move || {
                    let _ = now.try_set(Some(time::now_ms()));
                },
                std::time::Duration::from_secs(30),
            );
            if let Ok(handle) = handle {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let shown = move || {
        let at = epoch_ms.get();
        let chosen = profile.and_then(|p| p.get());
        let offset = match chosen {
            Some(zone) => time::zone_offset(Some(&zone), at),
            // No profile zone: UTC until the browser's zone is known.
            None => browser.get().and_then(|_| time::zone_offset(None, at)),
        };
        time::format_with_offset(at, offset.unwrap_or(0), style)
    };
    let hint = move || {
        now.get()
            .map(|now| format!(" ({})", time::relative(epoch_ms.get(), now)))
    };
    view! {
        <time
            id=id
            datetime=move || time::rfc3339_utc(epoch_ms.get())
            title=move || time::format_utc(epoch_ms.get())
        >
            {shown}
        </time>
        {hint}
    }
}
