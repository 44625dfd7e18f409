//! The site's static files and how they travel.
//!
//! `scripts/build.sh` writes each build of the client into a folder of its own named by a hash
//! of its content, `<site root>/pkg/<hash>/`: `sahabot.js`, `sahabot.wasm` (the main module),
//! `sahabot.css`, the lazily loaded page modules (`split_*.wasm`, `chunk_*.wasm`, see
//! `sdk::ui::lazy`), their loader (`__wasm_split.______________________.js`) and manifest, and a
//! brotli (`.br`) and a gzip (`.gz`) twin of each file. `pkg/current` names the folder. The
//! server reads that name once at start ([`build_dir`]) and gives Leptos `pkg/<hash>` as its
//! package folder, so the shell, the hydration script and the page-module preloads all point
//! into it. Since a new build has a new folder, `/pkg/` answers with a year-long `immutable`
//! cache ([`pkg_service`]), picking the twin the browser accepts. Pages and API answers are
//! never cached (`no-cache`, set with the security headers in `crate::web_security`) and are
//! compressed on the fly above [`COMPRESS_ABOVE`] bytes ([`compression`]).
//!
//! Without a built site (unit and API tests), the package folder is the plain `pkg`.

use std::{path::Path, sync::OnceLock};

use axum::http::{header, HeaderValue, Response};
use tower::Layer;
use tower_http::{
    compression::{
        predicate::{NotForContentType, SizeAbove},
        CompressionLayer, Predicate,
    },
    services::{fs::ServeFileSystemResponseBody, ServeDir},
    set_header::SetResponseHeaderLayer,
};

/// The client's file name (also leptos's `LEPTOS_OUTPUT_NAME`, set in `.cargo/config.toml`).
pub const OUTPUT_NAME: &str = "sahabot";

/// Answers smaller than this go out as they are: compressing them saves less than it costs.
pub const COMPRESS_ABOVE: u16 = 1024;

/// What `/pkg/` files carry: their folder changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The package folder of the build this server serves, relative to the site root:
/// `pkg/<hash>` as `<site root>/pkg/current` names it, or `pkg` when there is none (or it is not
/// a plain hash).
pub fn build_dir(site_root: &Path) -> String {
    let name = std::fs::read_to_string(site_root.join("pkg").join("current"))
        .map(|text| text.trim().to_string())
        .unwrap_or_default();
    let sane = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_hexdigit());
    let dir = if sane {
        format!("pkg/{name}")
    } else {
        "pkg".to_string()
    };
    // The pages that are not rendered by Leptos link the stylesheet through this too.
    let _ = STYLESHEET.set(stylesheet_href(&dir));
    dir
}

static STYLESHEET: OnceLock<String> = OnceLock::new();

/// `/<package folder>/sahabot.css`.
pub fn stylesheet_href(build_dir: &str) -> String {
    format!("/{build_dir}/{OUTPUT_NAME}.css")
}

/// The stylesheet of the build this process serves (for pages written by hand, like the sign-in
/// problem pages); every server of a process serves the same site.
pub fn stylesheet() -> &'static str {
    STYLESHEET.get().map_or("/pkg/sahabot.css", String::as_str)
}

/// `/pkg/`: the built client, its brotli or gzip twin when the browser accepts one, cached for a
/// year (a missing file's 404 is not cached).
pub fn pkg_service(site_root: &Path) -> axum::Router {
    fn immutable_when_found(res: &Response<ServeFileSystemResponseBody>) -> Option<HeaderValue> {
        res.status()
            .is_success()
            .then(|| HeaderValue::from_static(IMMUTABLE))
    }
    let serve = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let cached = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        immutable_when_found as fn(&Response<ServeFileSystemResponseBody>) -> Option<HeaderValue>,
    )
    .layer(serve);
    axum::Router::new()
        .fallback_service(cached)
        .layer(vary_on_encoding())
}

/// A folder of the site whose file names stay the same (the API reference page's script): the
/// browser asks again each time (`no-cache`; an unchanged file answers 304 through
/// `Last-Modified`), and gets a brotli or gzip twin when there is one.
pub fn site_folder(dir: &Path) -> axum::Router {
    axum::Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(vary_on_encoding())
}

/// Caches between us and the browser must keep one copy per encoding.
fn vary_on_encoding() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::appending(header::VARY, HeaderValue::from_static("accept-encoding"))
}

/// Compresses pages and API answers above [`COMPRESS_ABOVE`] bytes (brotli or gzip, as the
/// browser accepts); what is already compressed (the `/pkg/` twins carry `Content-Encoding`) or
/// streamed as events passes through.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(COMPRESS_ABOVE)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
        .and(NotForContentType::const_new("application/wasm"));
    CompressionLayer::new().compress_when(predicate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_folder_comes_from_pkg_current_and_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(build_dir(dir.path()), "pkg");
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/current"), "0123abcd\n").unwrap();
        assert_eq!(build_dir(dir.path()), "pkg/0123abcd");
        for bad in ["x\"><script>", "../etc", "", "0123/abcd"] {
            std::fs::write(dir.path().join("pkg/current"), bad).unwrap();
            assert_eq!(build_dir(dir.path()), "pkg", "{bad}");
        }
    }
}
