//! `/auth/*`: Discord sign-in, one-time login links, sign-out.

use axum::{
    extract::{ConnectInfo, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Router,
};
use platform::{identity::login_links, identity::users};
use sdk::db::now_ms;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use tower_sessions::Session;

use super::{SESSION_DISCORD_EXPIRES, SESSION_IMPERSONATING, SESSION_OAUTH, SESSION_USER};
use crate::state::AppState;

/// How long a sign-in attempt may take between leaving for Discord and coming back.
pub const STATE_TTL_MS: i64 = 10 * 60 * 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login))
        .route(
            platform::identity::discord_sign_in::SIGN_IN_CALLBACK_PATH,
            get(callback),
        )
        .route("/auth/logout", post(logout))
        .route("/auth/link/{secret}", get(login_link))
        .merge(super::setup::routes())
}

#[derive(Debug, Serialize, Deserialize)]
struct PendingLogin {
    state: String,
    redirect: String,
    started_at: i64,
}

/// Only paths on this site: never `//other.host` or a full URL (no open redirects); anything
/// else becomes `/`. See [`is_same_origin_path`].
pub fn safe_redirect(target: Option<&str>) -> String {
    match target {
        Some(t) if is_same_origin_path(t) => t.to_string(),
        _ => "/".to_string(),
    }
}

/// Whether `target` stays a path on this site however a browser reads it. Browsers drop tabs
/// and line breaks from URLs and read `\` as `/`, so `/\t/evil.example` would become
/// `//evil.example`, another host: the target must start with exactly one `/`, and may hold no
/// control character, whitespace or backslash anywhere, nor `://`. The same holds once
/// percent-encoding is undone (up to three times, for double encoding), except that a decoded
/// space is plain text: `/%2F/evil.example` and `/%09/evil.example` are refused.
fn is_same_origin_path(target: &str) -> bool {
    fn starts_as_one_path(t: &str) -> bool {
        let mut chars = t.chars();
        chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'))
    }
    let plain = |t: &str| {
        starts_as_one_path(t)
            && !t
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && !t.contains("://")
    };
    if !plain(target) {
        return false;
    }
    let mut text = target.to_string();
    for _ in 0..3 {
        let decoded = percent_decode(&text);
        if decoded == text {
            break;
        }
        let squeezed: String = decoded.chars().filter(|c| !c.is_whitespace()).collect();
        if !starts_as_one_path(&squeezed) || decoded.chars().any(|c| c.is_control() || c == '\\') {
            return false;
        }
        text = decoded;
    }
    true
}

/// `%XX` sequences undone (anything else kept as it is); invalid UTF-8 becomes U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(high), Some(low)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A small page for sign-in problems, in the site's style, with the way forward.
pub(super) fn problem_page(status: StatusCode, title: &str, message: &str) -> Response {
    let main = format!(
        r#"<h1 class="text-2xl font-bold">{title}</h1>
<p id="problem" class="text-slate-600 dark:text-slate-300">{message}</p>
<p class="flex gap-4"><a class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500" href="/login">Sign in again</a>
<a class="px-4 py-2 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/">Home</a></p>"#,
        title = super::escape_html(title),
        message = super::escape_html(message),
    );
    super::plain_page(status, &format!("{title} · SahaBot"), &main)
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    redirect: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Response {
    let Some(discord) = &state.discord else {
        // A new site has nobody to ask for a login link: point at the first-run link instead.
        let first_run = !platform::identity::setup::has_users(&state.platform.db)
            .await
            .unwrap_or(true);
        return problem_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Discord sign-in is not set up",
            if first_run {
                "This site has no user yet. Open the one-time setup link the server printed when it started (in the terminal running it) to create its first admin."
            } else {
                "This server has no Discord application configured. Ask its admin for a one-time login link (sahabot users login-link <name>); its admin sets up Discord sign-in under Site admin → Sign-in (/admin/sign-in)."
            },
        );
    };
    let (url, csrf) = match discord.authorize_url() {
        Ok(started) => started,
        Err(error) => return problem_page(error.status(), "Sign-in failed", &error.message()),
    };
    let pending = PendingLogin {
        state: csrf,
        redirect: safe_redirect(query.redirect.as_deref()),
        started_at: now_ms(),
    };
    if session.insert(SESSION_OAUTH, pending).await.is_err() {
        return problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-in failed",
            sdk::error::INTERNAL_MESSAGE,
        );
    }
    Redirect::to(&url).into_response()
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(discord) = &state.discord else {
        return problem_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Discord sign-in is not set up",
            "This server has no Discord application configured.",
        );
    };
    // The pending attempt is used up whatever happens next.
    let pending = session
        .remove::<PendingLogin>(SESSION_OAUTH)
        .await
        .ok()
        .flatten();
    if query.error.is_some() {
        return problem_page(
            StatusCode::BAD_REQUEST,
            "Sign-in cancelled",
            "Discord did not authorize the sign-in. You can try again.",
        );
    }
    let (Some(pending), Some(returned_state)) = (pending, query.state.as_deref()) else {
        return problem_page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in was not started in this browser or was already used. Start again from the sign-in page.",
        );
    };
    if pending.state != returned_state {
        return problem_page(StatusCode::BAD_REQUEST, "Sign-in refused", "The sign-in answer does not match the attempt started here. Start again from the sign-in page.");
    }
    if now_ms() - pending.started_at > STATE_TTL_MS {
        return problem_page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "More than 10 minutes passed since the sign-in started. Start again.",
        );
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return problem_page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "Discord sent no authorization code. Start again.",
        );
    };
    let result = async {
        let tokens = discord.exchange(code).await?;
        let profile = discord.profile(&tokens.access_token).await?;
        let ip = peer.ip().to_string();
        let promote = state.superadmin_discord_ids.contains(&profile.id);
        let (user, _created) =
            users::upsert_discord(&state.platform.db, &profile, &tokens, promote, Some(&ip))
                .await?;
        Ok::<_, sdk::Error>((user, tokens))
    }
    .await;
    let (user, tokens) = match result {
        Ok(done) => done,
        Err(error) => return problem_page(error.status(), "Sign-in failed", &error.message()),
    };
    if !user.is_active {
        return problem_page(
            StatusCode::FORBIDDEN,
            "Account deactivated",
            "This account has been deactivated by the site admins.",
        );
    }
    if sign_in(&session, user.id).await.is_err() {
        return problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-in failed",
            sdk::error::INTERNAL_MESSAGE,
        );
    }
    if let Some(at) = tokens.expires_at {
        session.insert(SESSION_DISCORD_EXPIRES, at).await.ok();
    }
    Redirect::to(&pending.redirect).into_response()
}

/// A new session id (no fixation), then the user.
async fn sign_in(session: &Session, user_id: i64) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.remove_value(SESSION_IMPERSONATING).await?;
    session.insert(SESSION_USER, user_id).await
}

async fn login_link(
    State(state): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(secret): Path<String>,
) -> Response {
    let ip = peer.ip().to_string();
    match login_links::redeem(&state.platform.db, &secret, Some(&ip)).await {
        Ok(user) => signed_in_home(&session, user.id).await,
        Err(error) => problem_page(error.status(), "Login link not valid", &error.message()),
    }
}

/// Signs `user_id` in and sends them home (after a one-time link).
pub(super) async fn signed_in_home(session: &Session, user_id: i64) -> Response {
    match sign_in(session, user_id).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(_) => problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-in failed",
            sdk::error::INTERNAL_MESSAGE,
        ),
    }
}

async fn logout(session: Session) -> Response {
    session.flush().await.ok();
    Redirect::to("/").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_redirect(Some("/org/3/members")), "/org/3/members");
        assert_eq!(safe_redirect(Some("//evil.example/")), "/");
        assert_eq!(safe_redirect(Some("https://evil.example/")), "/");
        assert_eq!(safe_redirect(Some("/\\evil.example")), "/");
        assert_eq!(safe_redirect(Some("/x?next=https://a")), "/");
        assert_eq!(safe_redirect(None), "/");
    }

    /// Targets that a browser would take off this site (or that hide how it would read them).
    #[test]
    fn open_redirect_after_sign_in_is_refused() {
        for attack in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0A/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5c%5cevil.example",
            "/%252F/evil.example",
            "/%25252f/evil.example",
            "/%20/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /x",
            "/x ",
            "\t/x",
            "/x\u{a0}",
            "/x\u{2028}",
            "",
            "\\\\evil.example",
        ] {
            assert_eq!(safe_redirect(Some(attack)), "/", "{attack:?}");
        }
    }

    #[test]
    fn same_site_paths_survive_the_redirect_check() {
        for path in [
            "/",
            "/org/3/members?tab=a&b=c#x",
            "/org/3/members",
            "/p/tournament/12?q=a%20b",
            "/search?q=%26%3D",
            "/caf%C3%A9/men%C3%BC",
            "/x/%2F",
            "/a//b",
            "/admin#section-2",
        ] {
            assert_eq!(safe_redirect(Some(path)), path, "{path:?}");
        }
    }
}
