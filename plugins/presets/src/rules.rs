//! The pure rules of presets: who may do what in a namespace ([`rights`], from the [`Facts`]
//! the service loads), which presets are visible, and what names, slugs and descriptions look
//! like. No database and no clock here; unit tested below.
//!
//! - A user-owned namespace: its owner may do everything; grantees what their grant says; the
//!   public may read it if it is public.
//! - An organization-owned namespace: members act through the organization's policies
//!   (`preset:create|update|delete`, `namespace:manage`; reading private ones needs
//!   `preset:read`); grants add rights for individual users. It is changed only from its own
//!   organization (tenant isolation, decided by the service).
//! - Global presets (no namespace): everyone reads public ones; only SUPERADMIN writes.
//! - A preset is visible when it and its namespace are public, or to the namespace's members
//!   (owner, grantees, organization members with `preset:read`).
//! - What a seed was rolled for ([`clean_seed_use`]) is a kind, a label and a link that stays on
//!   this site: the history shows the link to every member, so it may not lead elsewhere.

use sdk::Error;

use crate::model::{NamespaceRights, SeedUse};

/// The longest kind of a seed's use (`match`, `race`, …).
pub const SEED_USE_KIND_MAX: usize = 32;
/// The longest label of a seed's use ("Match 12: ada vs bob").
pub const SEED_USE_LABEL_MAX: usize = 200;
/// The longest link of a seed's use.
pub const SEED_USE_PATH_MAX: usize = 300;

/// The caller's standing in an organization that owns a namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgStanding {
    pub read: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    pub manage: bool,
}

/// Everything [`rights`] needs to know.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    pub superadmin: bool,
    pub is_owner_user: bool,
    pub owned_by_org: bool,
    pub namespace_public: bool,
    /// (create, update, delete) granted to the caller.
    pub grant: Option<[bool; 3]>,
    pub org: OrgStanding,
}

/// What the caller may do in a namespace.
pub fn rights(f: &Facts) -> NamespaceRights {
    if f.superadmin || f.is_owner_user {
        return NamespaceRights {
            read: true,
            create: true,
            update: true,
            delete: true,
            manage: true,
        };
    }
    let grant = f.grant.unwrap_or([false; 3]);
    let org = if f.owned_by_org {
        f.org
    } else {
        OrgStanding::default()
    };
    let create = grant[0] || org.create;
    let update = grant[1] || org.update;
    let delete = grant[2] || org.delete;
    NamespaceRights {
        read: f.namespace_public
            || f.grant.is_some()
            || org.read
            || org.manage
            || create
            || update
            || delete,
        create,
        update,
        delete,
        manage: org.manage,
    }
}

/// Whether the caller counts as a member of the namespace (sees its private presets).
pub fn is_member(f: &Facts) -> bool {
    let r = rights(f);
    f.superadmin
        || f.is_owner_user
        || f.grant.is_some()
        || (f.owned_by_org && (f.org.read || r.manage || r.create || r.update || r.delete))
}

/// Whether a preset is visible. `facts` None: a global preset.
pub fn preset_visible(preset_public: bool, facts: Option<&Facts>, superadmin: bool) -> bool {
    match facts {
        None => preset_public || superadmin,
        Some(f) => (preset_public && f.namespace_public) || is_member(f),
    }
}

/// The rights everyone has over global presets: reading; superadmins everything.
pub fn global_rights(superadmin: bool) -> NamespaceRights {
    NamespaceRights {
        read: true,
        create: superadmin,
        update: superadmin,
        delete: superadmin,
        manage: superadmin,
    }
}

/// A preset's name: 1–100 characters on one line.
pub fn clean_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "Give the preset a name."));
    }
    if name.chars().count() > 100 {
        return Err(Error::invalid("name", "At most 100 characters."));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "The name cannot contain line breaks or tabs.",
        ));
    }
    Ok(name.to_string())
}

/// A description: at most 2000 characters; line breaks and tabs are fine, other control
/// characters are not.
pub fn clean_description(text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.chars().count() > 2000 {
        return Err(Error::invalid("description", "At most 2000 characters."));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Error::invalid(
            "description",
            "The description contains a control character; remove it.",
        ));
    }
    Ok(text.to_string())
}

/// A namespace's display name: 1–80 characters on one line.
pub fn clean_display_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display_name",
            "Give it a name of 1 to 80 characters, on one line.",
        ));
    }
    Ok(name.to_string())
}

/// Filters typed into the search: trimmed, without control characters.
pub fn clean_filter(text: Option<String>) -> Option<String> {
    text.map(|t| {
        t.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_string()
    })
    .filter(|t| !t.is_empty())
}

/// A namespace slug: 2–40 lowercase letters, digits and `-`, starting with a letter or digit.
pub fn clean_slug(slug: &str) -> Result<String, Error> {
    let slug = slug.trim().to_lowercase();
    let ok = (2..=40).contains(&slug.len())
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(slug)
    } else {
        Err(Error::invalid(
            "slug",
            "Use 2 to 40 lowercase letters, digits and `-` (e.g. `league-2026`).",
        ))
    }
}

/// Which preset a picked or typed `preset` names: with a `namespace` given, that namespace's
/// preset of that name; otherwise `slug/name` (what pickers offer) when the part before the
/// first `/` could be a namespace slug, else a global preset. The second answer is the global
/// reading of the whole text, to try when the first finds nothing (a global preset's name may
/// contain `/`).
pub fn split_preset_key(
    preset: &str,
    namespace: Option<&str>,
) -> ((Option<String>, String), Option<String>) {
    let preset = preset.trim();
    if let Some(ns) = namespace.map(str::trim).filter(|ns| !ns.is_empty()) {
        return ((Some(ns.to_lowercase()), preset.to_string()), None);
    }
    match preset.split_once('/') {
        Some((slug, name)) if clean_slug(slug).is_ok() && !name.trim().is_empty() => (
            (Some(slug.trim().to_lowercase()), name.trim().to_string()),
            Some(preset.to_string()),
        ),
        _ => ((None, preset.to_string()), None),
    }
}

/// What a seed was rolled for, checked: the kind is 1–32 lowercase letters and `_`; the label
/// trimmed, on one line, at most 200 characters; the path (empty: none) a site-relative link —
/// one leading `/`, never `//` or a `\` (browsers read `/\host` as `//host`, another site), no
/// spaces or control characters — of at most 300 characters. Errors name the field
/// (`used_for.kind`, `used_for.label`, `used_for.path`).
pub fn clean_seed_use(used_for: SeedUse) -> Result<SeedUse, Error> {
    let kind = used_for.kind.trim();
    if kind.is_empty()
        || kind.len() > SEED_USE_KIND_MAX
        || !kind.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return Err(Error::invalid(
            "used_for.kind",
            format!(
                "What a seed is for needs a kind of 1 to {SEED_USE_KIND_MAX} lowercase letters and `_`, such as `match` or `race`."
            ),
        ));
    }
    let label = sdk::input::clean_text("used_for.label", &used_for.label, SEED_USE_LABEL_MAX)?;
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(
            "used_for.label",
            "Keep the label of what the seed is for on one line.",
        ));
    }
    let path = match used_for.path.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(path) => {
            if path.chars().count() > SEED_USE_PATH_MAX {
                return Err(Error::invalid(
                    "used_for.path",
                    format!("The link to what the seed is for is at most {SEED_USE_PATH_MAX} characters."),
                ));
            }
            let on_this_site = path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
            if !on_this_site {
                return Err(Error::invalid(
                    "used_for.path",
                    "The link to what the seed is for must be a path on this site, starting with a single `/` (like `/org/3/tournaments/match/12`), without spaces or `\\`.",
                ));
            }
            Some(path.to_string())
        }
    };
    Ok(SeedUse {
        kind: kind.to_string(),
        id: used_for.id,
        label,
        path,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_picked_preset_splits_into_namespace_and_name() {
        assert_eq!(
            split_preset_key("league/open", None),
            (
                (Some("league".into()), "open".into()),
                Some("league/open".into())
            )
        );
        assert_eq!(
            split_preset_key("open", Some(" League ")),
            ((Some("league".into()), "open".into()), None)
        );
        assert_eq!(
            split_preset_key("open", None),
            ((None, "open".into()), None)
        );
        // Not a slug before the slash, or nothing after it: a global preset's name.
        assert_eq!(
            split_preset_key("Any% / fast", None),
            ((None, "Any% / fast".into()), None)
        );
        assert_eq!(
            split_preset_key("league/", None),
            ((None, "league/".into()), None)
        );
        assert_eq!(
            split_preset_key(" league/open 2 ", Some("")),
            (
                (Some("league".into()), "open 2".into()),
                Some("league/open 2".into())
            )
        );
    }

    fn user_ns(public: bool) -> Facts {
        Facts {
            namespace_public: public,
            ..Default::default()
        }
    }

    #[test]
    fn owners_do_everything_others_read_public() {
        let owner = Facts {
            is_owner_user: true,
            ..user_ns(false)
        };
        assert_eq!(
            rights(&owner),
            NamespaceRights {
                read: true,
                create: true,
                update: true,
                delete: true,
                manage: true
            }
        );
        let stranger = user_ns(true);
        assert_eq!(
            rights(&stranger),
            NamespaceRights {
                read: true,
                ..Default::default()
            }
        );
        let stranger_private = user_ns(false);
        assert!(!rights(&stranger_private).read);
        assert!(!is_member(&stranger));
    }

    #[test]
    fn grants_give_exactly_what_they_say() {
        let grantee = Facts {
            grant: Some([true, false, false]),
            ..user_ns(false)
        };
        let r = rights(&grantee);
        assert!(r.read && r.create && !r.update && !r.delete && !r.manage);
        assert!(is_member(&grantee), "grantees see private presets");
    }

    #[test]
    fn organization_namespaces_follow_org_policies() {
        let admin = Facts {
            owned_by_org: true,
            org: OrgStanding {
                read: true,
                create: true,
                update: true,
                delete: true,
                manage: true,
            },
            ..user_ns(false)
        };
        assert!(rights(&admin).manage);
        let reader = Facts {
            owned_by_org: true,
            org: OrgStanding {
                read: true,
                ..Default::default()
            },
            ..user_ns(false)
        };
        let r = rights(&reader);
        assert!(r.read && !r.create && !r.manage);
        assert!(is_member(&reader));
        let outsider = Facts {
            owned_by_org: true,
            ..user_ns(false)
        };
        assert!(!rights(&outsider).read);
    }

    #[test]
    fn org_standing_means_nothing_in_a_user_namespace() {
        let wrong = Facts {
            org: OrgStanding {
                create: true,
                manage: true,
                ..Default::default()
            },
            ..user_ns(false)
        };
        let r = rights(&wrong);
        assert!(!r.create && !r.manage && !r.read);
    }

    #[test]
    fn superadmin_does_everything() {
        let sa = Facts {
            superadmin: true,
            ..user_ns(false)
        };
        assert!(rights(&sa).manage);
        assert!(global_rights(true).delete);
        assert_eq!(
            global_rights(false),
            NamespaceRights {
                read: true,
                ..Default::default()
            }
        );
    }

    #[test]
    fn global_presets_public_for_all_private_for_superadmins() {
        assert!(preset_visible(true, None, false));
        assert!(!preset_visible(false, None, false));
        assert!(preset_visible(false, None, true));
    }

    #[test]
    fn namespaced_presets_public_in_public_namespaces_else_members_only() {
        assert!(preset_visible(true, Some(&user_ns(true)), false));
        assert!(!preset_visible(true, Some(&user_ns(false)), false));
        assert!(!preset_visible(false, Some(&user_ns(true)), false));
        let grantee = Facts {
            grant: Some([false; 3]),
            ..user_ns(true)
        };
        assert!(preset_visible(false, Some(&grantee), false));
    }

    #[test]
    fn slugs_and_names_are_checked() {
        assert_eq!(clean_slug(" League-2026 ").unwrap(), "league-2026");
        assert_eq!(clean_slug("a").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_slug("-x").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_slug("no spaces").unwrap_err().field(), Some("slug"));
        assert_eq!(clean_name("  ").unwrap_err().field(), Some("name"));
        assert_eq!(clean_name(" Open ").unwrap(), "Open");
        assert_eq!(
            clean_display_name("two\nlines").unwrap_err().field(),
            Some("display_name")
        );
        assert_eq!(clean_display_name(" League ").unwrap(), "League");
    }

    #[test]
    fn descriptions_keep_line_breaks_not_other_control_characters() {
        assert_eq!(clean_description(" a\nb ").unwrap(), "a\nb");
        assert_eq!(
            clean_description("bell\u{7}").unwrap_err().field(),
            Some("description")
        );
        assert_eq!(
            clean_description(&"x".repeat(2001)).unwrap_err().field(),
            Some("description")
        );
    }

    fn seed_use(kind: &str, label: &str, path: Option<&str>) -> SeedUse {
        SeedUse {
            kind: kind.into(),
            id: Some(12),
            label: label.into(),
            path: path.map(Into::into),
        }
    }

    #[test]
    fn a_seed_use_is_a_kind_a_label_and_a_link_on_this_site() {
        let clean = clean_seed_use(seed_use(
            " match ",
            " Match 12: ada vs bob ",
            Some(" /org/3/tournaments/match/12 "),
        ))
        .unwrap();
        assert_eq!(
            clean,
            seed_use(
                "match",
                "Match 12: ada vs bob",
                Some("/org/3/tournaments/match/12")
            )
        );
        assert_eq!(
            clean_seed_use(seed_use("race_room", "", Some(" ")))
                .unwrap()
                .path,
            None,
            "an empty link is none"
        );
        let field = |u: SeedUse| clean_seed_use(u).unwrap_err().field().map(str::to_string);
        for kind in [
            "",
            "my match",
            "Match",
            "match2",
            "ma-tch",
            "x".repeat(33).as_str(),
        ] {
            assert_eq!(
                field(seed_use(kind, "x", None)).as_deref(),
                Some("used_for.kind"),
                "{kind:?}"
            );
        }
        assert!(clean_seed_use(seed_use(&"x".repeat(32), "x", None)).is_ok());
        for label in ["two\nlines".to_string(), "x".repeat(201)] {
            assert_eq!(
                field(seed_use("match", &label, None)).as_deref(),
                Some("used_for.label")
            );
        }
        for path in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "org/3",
            "/org/3 x",
            "/org/\u{0}",
            format!("/{}", "x".repeat(300)).as_str(),
        ] {
            assert_eq!(
                field(seed_use("match", "x", Some(path))).as_deref(),
                Some("used_for.path"),
                "{path:?}"
            );
        }
        assert!(clean_seed_use(seed_use(
            "match",
            "x",
            Some(&format!("/{}", "x".repeat(299)))
        ))
        .is_ok());
    }

    #[test]
    fn filters_drop_control_characters_and_blanks() {
        assert_eq!(clean_filter(Some(" a\u{0}b ".into())), Some("ab".into()));
        assert_eq!(clean_filter(Some("  ".into())), None);
        assert_eq!(clean_filter(None), None);
    }
}
