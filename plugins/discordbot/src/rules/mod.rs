//! The pure rules, `now` passed in, unit tested beside them: [`link`] for linking a Discord
//! server to an organization, [`gateway`] for the gateway runtime. No database, no Discord.

pub mod gateway;
pub mod link;

pub use gateway::{
    bot_online, fit_embed, fit_reply, lease_step, may_take_lease, retry_delay_ms, LeaseStep,
    MAX_REPLY_CHARS,
};
pub use link::{
    check_state_user, claimed_org, encode_query, guild_to_link, invite_problem, invite_url,
    new_invite, page_after_link, relink, sign_state, verify_state, Callback, LinkState, UserGuild,
    ADMINISTRATOR, BOT_PERMISSIONS, STATE_VALIDITY_MS,
};
