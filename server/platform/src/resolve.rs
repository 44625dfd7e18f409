//! Dependency resolution: which plugins can load, in which order, and why the others cannot.
//!
//! Pure and deterministic (ties broken by id), so every rule has a unit test:
//! - a plugin set inactive by a site admin is skipped, and so is everything that requires it;
//! - `requires.app` must match the platform version;
//! - every required plugin must exist, be loadable and match the version range;
//! - an optional plugin that is absent is fine; present, it loads first;
//! - a declared conflict with a loadable plugin stops the plugin that declares it;
//! - a cycle stops every plugin on it, and the reason shows the path (`a -> b -> a`).

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};

use sdk::plugin::manifest::Manifest;

/// Why a plugin is not in the load order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotLoaded {
    Inactive,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    /// Loadable plugins, each after everything it depends on.
    pub order: Vec<String>,
    pub not_loaded: BTreeMap<String, NotLoaded>,
}

pub fn resolve(
    manifests: &[&Manifest],
    app_version: &Version,
    inactive: &BTreeSet<String>,
) -> Resolution {
    let by_id: BTreeMap<&str, &Manifest> = manifests.iter().map(|m| (m.id.as_str(), *m)).collect();
    let mut out: BTreeMap<String, NotLoaded> = BTreeMap::new();
    for id in by_id.keys() {
        if inactive.contains(*id) {
            out.insert(id.to_string(), NotLoaded::Inactive);
        }
    }

    // Own checks first (app version, declared conflicts), then failures spread to dependents
    // until nothing changes.
    for (id, m) in &by_id {
        if out.contains_key(*id) {
            continue;
        }
        if let Some(range) = &m.requires.app {
            if let Ok(req) = VersionReq::parse(range) {
                if !req.matches(app_version) {
                    out.insert(
                        id.to_string(),
                        NotLoaded::Failed(format!(
                            "requires platform version {range}, this is {app_version}"
                        )),
                    );
                }
            }
        }
    }
    loop {
        let mut changed = false;
        for (id, m) in &by_id {
            if out.contains_key(*id) {
                continue;
            }
            if let Some(reason) = dependency_problem(m, &by_id, &out) {
                out.insert(id.to_string(), NotLoaded::Failed(reason));
                changed = true;
                continue;
            }
            let conflict = m
                .requires
                .conflicts
                .iter()
                .find(|other| by_id.contains_key(other.as_str()) && !out.contains_key(*other));
            if let Some(other) = conflict {
                out.insert(
                    id.to_string(),
                    NotLoaded::Failed(format!("conflicts with {other}, which is installed")),
                );
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    // Cycles among what is left.
    let remaining: BTreeSet<&str> = by_id
        .keys()
        .copied()
        .filter(|id| !out.contains_key(*id))
        .collect();
    let edges = |id: &str| -> Vec<&str> {
        by_id[id]
            .all_dependencies()
            .map(|(d, _)| d.id.as_str())
            .filter(|d| remaining.contains(d))
            .collect()
    };
    let mut cyclic: BTreeMap<String, String> = BTreeMap::new();
    for start in &remaining {
        if cyclic.contains_key(*start) {
            continue;
        }
        if let Some(path) = find_cycle(start, &edges) {
            let text = path.join(" -> ");
            for member in &path {
                cyclic
                    .entry(member.to_string())
                    .or_insert_with(|| text.clone());
            }
        }
    }
    for (id, path) in &cyclic {
        out.insert(
            id.clone(),
            NotLoaded::Failed(format!("dependency cycle: {path}")),
        );
    }
    // Anything requiring a cycle member fails too.
    loop {
        let mut changed = false;
        for (id, m) in &by_id {
            if out.contains_key(*id) {
                continue;
            }
            if let Some(reason) = dependency_problem(m, &by_id, &out) {
                out.insert(id.to_string(), NotLoaded::Failed(reason));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    // Kahn's algorithm, smallest id first among the ready ones.
    let loadable: BTreeSet<&str> = by_id
        .keys()
        .copied()
        .filter(|id| !out.contains_key(*id))
        .collect();
    let mut order = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while placed.len() < loadable.len() {
        let next = loadable.iter().find(|id| {
            !placed.contains(**id)
                && by_id[**id]
                    .all_dependencies()
                    .map(|(d, _)| d.id.as_str())
                    .filter(|d| loadable.contains(d))
                    .all(|d| placed.contains(d))
        });
        match next {
            Some(id) => {
                placed.insert(id);
                order.push(id.to_string());
            }
            // Unreachable after cycle removal; stop rather than spin.
            None => break,
        }
    }
    Resolution {
        order,
        not_loaded: out,
    }
}

fn dependency_problem(
    m: &Manifest,
    by_id: &BTreeMap<&str, &Manifest>,
    out: &BTreeMap<String, NotLoaded>,
) -> Option<String> {
    for (dep, optional) in m.all_dependencies() {
        let Some(found) = by_id.get(dep.id.as_str()) else {
            if optional {
                continue;
            }
            return Some(format!("requires {}, which is not installed", dep.id));
        };
        if let (Ok(req), Ok(version)) = (
            VersionReq::parse(&dep.version),
            Version::parse(&found.version),
        ) {
            if !req.matches(&version) {
                return Some(format!(
                    "requires {} {}, but {} is installed",
                    dep.id, dep.version, found.version
                ));
            }
        }
        if optional {
            continue;
        }
        match out.get(&dep.id) {
            Some(NotLoaded::Inactive) => {
                return Some(format!("requires {}, which is inactive", dep.id))
            }
            Some(NotLoaded::Failed(_)) => {
                return Some(format!("requires {}, which could not be loaded", dep.id))
            }
            None => {}
        }
    }
    None
}

/// A cycle through `start`, as the path `start -> … -> start`, if there is one.
fn find_cycle<'a>(start: &'a str, edges: &dyn Fn(&str) -> Vec<&'a str>) -> Option<Vec<&'a str>> {
    fn walk<'a>(
        node: &'a str,
        start: &'a str,
        edges: &dyn Fn(&str) -> Vec<&'a str>,
        path: &mut Vec<&'a str>,
        seen: &mut BTreeSet<&'a str>,
    ) -> bool {
        for next in edges(node) {
            if next == start {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if walk(next, start, edges, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start];
    let mut seen = BTreeSet::from([start]);
    walk(start, start, edges, &mut path, &mut seen).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(id: &str, version: &str, extra: &str) -> Manifest {
        let source = format!(
            "id = \"{id}\"\nname = \"{id}\"\nversion = \"{version}\"\ncategory = \"utility\"\n{extra}"
        );
        Manifest::parse(&source, id).unwrap()
    }

    fn run(manifests: &[Manifest]) -> Resolution {
        let refs: Vec<&Manifest> = manifests.iter().collect();
        resolve(&refs, &Version::new(0, 1, 0), &BTreeSet::new())
    }

    fn reason(r: &Resolution, id: &str) -> String {
        match r.not_loaded.get(id) {
            Some(NotLoaded::Failed(reason)) => reason.clone(),
            other => panic!("{id} should have failed, got {other:?}"),
        }
    }

    #[test]
    fn dependencies_load_first() {
        let r = run(&[
            manifest("c", "1.0.0", "[requires]\nplugins = [{ id = \"b\" }]"),
            manifest(
                "b",
                "1.0.0",
                "[requires]\nplugins = [{ id = \"a\", version = \"^1\" }]",
            ),
            manifest("a", "1.4.0", ""),
            manifest("z", "1.0.0", ""),
        ]);
        assert!(r.not_loaded.is_empty(), "{r:?}");
        let pos = |id: &str| r.order.iter().position(|x| x == id).unwrap();
        assert!(pos("a") < pos("b") && pos("b") < pos("c"), "{:?}", r.order);
        assert_eq!(r.order.len(), 4);
    }

    #[test]
    fn missing_dependency_fails_with_reason_and_spreads() {
        let r = run(&[
            manifest("b", "1.0.0", "[requires]\nplugins = [{ id = \"ghost\" }]"),
            manifest("c", "1.0.0", "[requires]\nplugins = [{ id = \"b\" }]"),
            manifest("d", "1.0.0", ""),
        ]);
        assert_eq!(reason(&r, "b"), "requires ghost, which is not installed");
        assert_eq!(reason(&r, "c"), "requires b, which could not be loaded");
        assert_eq!(r.order, vec!["d"]);
    }

    #[test]
    fn version_out_of_range() {
        let r = run(&[
            manifest("a", "2.0.0", ""),
            manifest(
                "b",
                "1.0.0",
                "[requires]\nplugins = [{ id = \"a\", version = \"^1\" }]",
            ),
        ]);
        assert_eq!(reason(&r, "b"), "requires a ^1, but 2.0.0 is installed");
        let r = run(&[manifest("a", "1.0.0", "[requires]\napp = \">=9\"")]);
        assert_eq!(
            reason(&r, "a"),
            "requires platform version >=9, this is 0.1.0"
        );
    }

    #[test]
    fn cycle_names_the_path() {
        let r = run(&[
            manifest("a", "1.0.0", "[requires]\nplugins = [{ id = \"b\" }]"),
            manifest("b", "1.0.0", "[requires]\nplugins = [{ id = \"a\" }]"),
            manifest("c", "1.0.0", "[requires]\nplugins = [{ id = \"a\" }]"),
            manifest("d", "1.0.0", ""),
        ]);
        assert_eq!(reason(&r, "a"), "dependency cycle: a -> b -> a");
        assert!(reason(&r, "b").starts_with("dependency cycle: "));
        assert_eq!(reason(&r, "c"), "requires a, which could not be loaded");
        assert_eq!(r.order, vec!["d"]);
    }

    #[test]
    fn longer_cycle_through_optional_dependency() {
        let r = run(&[
            manifest("a", "1.0.0", "[requires]\nplugins = [{ id = \"b\" }]"),
            manifest("b", "1.0.0", "[requires]\nplugins = [{ id = \"c\" }]"),
            manifest("c", "1.0.0", "[requires]\noptional = [{ id = \"a\" }]"),
        ]);
        assert_eq!(reason(&r, "a"), "dependency cycle: a -> b -> c -> a");
    }

    #[test]
    fn conflict_stops_the_declaring_plugin() {
        let r = run(&[
            manifest("a", "1.0.0", "[requires]\nconflicts = [\"b\"]"),
            manifest("b", "1.0.0", ""),
            manifest("c", "1.0.0", "[requires]\nconflicts = [\"absent\"]"),
        ]);
        assert_eq!(reason(&r, "a"), "conflicts with b, which is installed");
        assert_eq!(r.order, vec!["b", "c"]);
    }

    #[test]
    fn optional_dependency_absent_is_fine_present_orders() {
        let r = run(&[
            manifest(
                "a",
                "1.0.0",
                "[requires]\noptional = [{ id = \"ghost\" }, { id = \"b\" }]",
            ),
            manifest("b", "1.0.0", ""),
        ]);
        assert!(r.not_loaded.is_empty());
        assert_eq!(r.order, vec!["b", "a"]);
    }

    #[test]
    fn inactive_plugins_are_skipped_with_their_dependents() {
        let manifests = [
            manifest("a", "1.0.0", ""),
            manifest("b", "1.0.0", "[requires]\nplugins = [{ id = \"a\" }]"),
        ];
        let refs: Vec<&Manifest> = manifests.iter().collect();
        let r = resolve(
            &refs,
            &Version::new(0, 1, 0),
            &BTreeSet::from(["a".to_string()]),
        );
        assert_eq!(r.not_loaded.get("a"), Some(&NotLoaded::Inactive));
        assert_eq!(reason(&r, "b"), "requires a, which is inactive");
        assert!(r.order.is_empty());
    }
}
