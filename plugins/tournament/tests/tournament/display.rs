//! How the pages show instants.

use super::*;

/// The schedule renders instants with `LocalTime`: a fixed instant in a viewer's profile zone.
#[test]
fn a_fixed_instant_in_the_viewers_zone() {
    use leptos::prelude::*;
    let owner = Owner::new();
    owner.set();
    let render = |zone: Option<&str>| {
        let zone = zone.map(str::to_string);
        view! { {sdk::ui::time::provide_viewer_zone(zone); } <sdk::ui::time::LocalTime epoch_ms=T0/> }
            .to_html()
    };
    let tokyo = render(Some("Asia/Tokyo"));
    assert!(tokyo.contains("2026-11-22 21:00"), "{tokyo}");
    assert!(
        tokyo.contains("datetime=\"2026-11-22T12:00:00Z\""),
        "{tokyo}"
    );
    let new_york = render(Some("America/New_York"));
    assert!(new_york.contains("2026-11-22 07:00"), "{new_york}");
    let unset = render(None);
    assert!(
        unset.contains("2026-11-22 12:00") && unset.contains("UTC"),
        "{unset}"
    );
}
