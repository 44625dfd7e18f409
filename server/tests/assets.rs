//! How the site's files travel (`server::assets`): the shell links the build in the
//! content-hashed folder `pkg/current` names; `/pkg/` sends the brotli or gzip twin the browser accepts and lets it keep
//! the file for a year; pages and API answers are `no-cache` and compressed on the fly when big.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use std::path::Path;

use common::TestApp;
use sdk::db::Backend;
use testkit::both_backends;

const BUILD: &str = "0123456789abcdef";

/// A built site in a temporary folder: one build's files with (fake) twins, and the API
/// reference page's script.
fn site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(pkg.join(BUILD)).unwrap();
    std::fs::write(pkg.join("current"), format!("{BUILD}\n")).unwrap();
    for ext in ["js", "wasm", "css"] {
        let file = pkg.join(BUILD).join(format!("sahabot.{ext}"));
        std::fs::write(&file, format!("plain {ext}")).unwrap();
        std::fs::write(format!("{}.br", file.display()), format!("brotli {ext}")).unwrap();
        std::fs::write(format!("{}.gz", file.display()), format!("gzip {ext}")).unwrap();
    }
    std::fs::create_dir_all(root.join("api-docs")).unwrap();
    std::fs::write(root.join("api-docs/rapidoc-min.js"), "plain rapidoc").unwrap();
    std::fs::write(root.join("api-docs/rapidoc-min.js.br"), "brotli rapidoc").unwrap();
}

async fn spawn(backend: Backend, root: &Path) -> TestApp {
    site(root);
    let root = root.to_path_buf();
    TestApp::spawn_with(backend, move |config| config.site_root = root).await
}

async fn fetch(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    common::plain_client()
        .get(app.url(path))
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

async fn check_the_client_travels_compressed_and_is_kept_a_year(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn(backend, dir.path()).await;
    let wasm = format!("/pkg/{BUILD}/sahabot.wasm");
    for (accept, encoding, body) in [
        ("br, gzip", "br", "brotli wasm"),
        ("gzip, deflate", "gzip", "gzip wasm"),
        ("identity", "", "plain wasm"),
    ] {
        let res = fetch(&app, &wasm, accept).await;
        assert_eq!(res.status(), 200, "{accept}");
        assert_eq!(header(&res, "content-encoding"), encoding, "{accept}");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(header(&res, "vary").contains("accept-encoding"), "{accept}");
        assert_eq!(header(&res, "content-type"), "application/wasm");
        assert_eq!(res.text().await.unwrap(), body);
    }
    // A missing file is a 404 the browser does not keep.
    let res = fetch(&app, "/pkg/0123456789abcdee/sahabot.wasm", "br").await;
    assert_eq!(res.status(), 404);
    assert_ne!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    // Files whose names stay the same are asked for again each time, and sent compressed too.
    let res = fetch(&app, "/api-docs/rapidoc-min.js", "br").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), "br");
    assert_eq!(header(&res, "cache-control"), "no-cache");
    app.stop().await;
}
both_backends!(
    the_client_travels_compressed_and_is_kept_a_year,
    check_the_client_travels_compressed_and_is_kept_a_year
);

async fn check_pages_link_the_hashed_build_and_are_not_cached(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn(backend, dir.path()).await;
    let res = fetch(&app, "/", "identity").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), "no-cache");
    let html = res.text().await.unwrap();
    for ext in ["js", "wasm", "css"] {
        assert!(
            html.contains(&format!("/pkg/{BUILD}/sahabot.{ext}")),
            "{ext}: {html}"
        );
    }
    assert!(!html.contains("/pkg/sahabot.css"));
    app.stop().await;
}
both_backends!(
    pages_link_the_hashed_build_and_are_not_cached,
    check_pages_link_the_hashed_build_and_are_not_cached
);

async fn check_big_answers_are_compressed_small_ones_are_not(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn(backend, dir.path()).await;
    // A page (several KB) in brotli, the API document in gzip.
    let page = fetch(&app, "/", "br").await;
    assert_eq!(header(&page, "content-encoding"), "br");
    let document = fetch(&app, "/api/openapi.json", "gzip").await;
    assert_eq!(header(&document, "content-encoding"), "gzip");
    let compressed = document.bytes().await.unwrap().len();
    let plain = fetch(&app, "/api/openapi.json", "identity")
        .await
        .bytes()
        .await
        .unwrap()
        .len();
    assert!(compressed * 4 < plain, "{compressed} of {plain} bytes");
    // A small API answer goes out as it is.
    let res = common::plain_client()
        .post(app.url("/api/core/whoami"))
        .header("content-type", "application/json")
        .header("accept-encoding", "br, gzip")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-encoding"), "");
    assert_eq!(header(&res, "cache-control"), "no-cache");
    app.stop().await;
}
both_backends!(
    big_answers_are_compressed_small_ones_are_not,
    check_big_answers_are_compressed_small_ones_are_not
);

/// A plugin's pages load together, as one group named `<plugin>_pages` (what `sahabot plugins
/// new` writes). Each group is a split point of the client's wasm, and the splitter makes a
/// shared module for every set of groups that share code: a plugin with a group per page
/// multiplied the modules every page loads and every build optimises (five racetime groups
/// once made the schedule page need 201 modules).
#[test]
fn each_plugin_loads_its_pages_as_one_group() {
    let plugins = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins");
    let lazy_page = regex::Regex::new(r"lazy_page!\(\s*(\w+)\s*:").unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&plugins).unwrap() {
        let dir = entry.unwrap().path();
        let plugin = dir.file_name().unwrap().to_string_lossy().into_owned();
        if plugin == "sdk" || !dir.join("src").is_dir() {
            continue;
        }
        let mut files = Vec::new();
        common::rust_files(&dir.join("src"), &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for group in lazy_page.captures_iter(&source) {
                assert_eq!(
                    &group[1],
                    format!("{plugin}_pages"),
                    "{}: a page of the {plugin} plugin in another group",
                    file.display()
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} lazy pages found under {}",
        plugins.display()
    );
}
