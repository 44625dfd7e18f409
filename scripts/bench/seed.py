"""The benchmark's data set, written straight into a migrated SQLite database.

An organization (made through the API by run.py, with the tournament, async qualifier and
presets plugins on) gets: 500 members; a tournament with those players and 200 scheduled
matches of two; an async qualifier with 2 pools of 10 permalinks and 10,000 finished runs (each
member runs all 20); a preset namespace with 200 presets. Bulk rows go in with SQL because
making them one API call at a time would take longer than the benchmark.
"""

import random
import sqlite3

MEMBERS = 500
MATCHES = 200
POOLS = 2
PERMALINKS_PER_POOL = 10
PRESETS = 200
HOUR_MS = 3_600_000


def seed(db_path: str, org_id: int, admin_id: int, now_ms: int) -> dict:
    rng = random.Random(2026)
    db = sqlite3.connect(db_path)
    cur = db.cursor()

    members = []
    for i in range(MEMBERS):
        cur.execute(
            "INSERT INTO users (username, display_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (f"runner{i:03}", f"Runner {i:03}", now_ms, now_ms),
        )
        members.append(cur.lastrowid)
    cur.executemany(
        "INSERT INTO organization_members (organization_id, user_id, joined_at) VALUES (?, ?, ?)",
        [(org_id, user, now_ms) for user in members],
    )

    cur.execute(
        "INSERT INTO tournaments (organization_id, name, created_by, created_at, updated_at)"
        " VALUES (?, 'Bench Cup', ?, ?, ?)",
        (org_id, admin_id, now_ms, now_ms),
    )
    tournament = cur.lastrowid
    cur.executemany(
        "INSERT INTO tournament_players (tournament_id, user_id, added_at) VALUES (?, ?, ?)",
        [(tournament, user, now_ms) for user in members],
    )
    for i in range(MATCHES):
        cur.execute(
            "INSERT INTO tournament_matches (organization_id, tournament_id, title,"
            " scheduled_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (org_id, tournament, f"Round 1 match {i + 1}", now_ms + (i + 1) * HOUR_MS,
             admin_id, now_ms, now_ms),
        )
        match = cur.lastrowid
        a, b = rng.sample(members, 2)
        cur.executemany(
            "INSERT INTO tournament_match_players (match_id, user_id) VALUES (?, ?)",
            [(match, a), (match, b)],
        )

    cur.execute(
        "INSERT INTO async_qualifiers (organization_id, name, created_by, created_at, updated_at)"
        " VALUES (?, 'Bench Qualifier', ?, ?, ?)",
        (org_id, admin_id, now_ms, now_ms),
    )
    qualifier = cur.lastrowid
    permalinks = []
    for p in range(POOLS):
        cur.execute(
            "INSERT INTO async_qualifier_pools (qualifier_id, name, created_at) VALUES (?, ?, ?)",
            (qualifier, f"Pool {p + 1}", now_ms),
        )
        pool = cur.lastrowid
        for k in range(PERMALINKS_PER_POOL):
            cur.execute(
                "INSERT INTO async_qualifier_permalinks (pool_id, url, created_at)"
                " VALUES (?, ?, ?)",
                (pool, f"https://alttpr.com/h/bench{p}x{k}", now_ms),
            )
            permalinks.append(cur.lastrowid)
    cur.execute(
        "UPDATE async_qualifiers SET runs_per_pool = ? WHERE id = ?",
        (PERMALINKS_PER_POOL, qualifier),
    )
    races = []
    for user in members:
        for permalink in permalinks:
            start = now_ms - rng.randint(2, 30) * 24 * HOUR_MS
            end = start + rng.randint(90, 150) * 60_000
            races.append((qualifier, permalink, user, start - 600_000, start + 4 * HOUR_MS,
                          start, end, now_ms, now_ms))
    cur.executemany(
        "INSERT INTO async_qualifier_races (qualifier_id, permalink_id, user_id,"
        " thread_open_time, thread_timeout_time, start_time, end_time, status, review_status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'finished', 'accepted', ?, ?)",
        races,
    )

    cur.execute(
        "INSERT INTO preset_namespaces (slug, display_name, owner_org_id, created_by,"
        " created_at, updated_at) VALUES ('bench-league', 'Bench League', ?, ?, ?, ?)",
        (org_id, admin_id, now_ms, now_ms),
    )
    namespace = cur.lastrowid
    cur.executemany(
        "INSERT INTO randomizer_presets (namespace_id, user_id, randomizer, name, description,"
        " kind, yaml, settings, created_at, updated_at)"
        " VALUES (?, ?, 'alttpr', ?, ?, 'standard', ?, ?, ?, ?)",
        [(namespace, admin_id, f"preset-{i:03}", f"Bench preset {i}",
          "settings:\n  goal: ganon\n", '{"settings":{"goal":"ganon"}}', now_ms, now_ms)
         for i in range(PRESETS)],
    )
    db.commit()
    db.close()
    return {"tournament": tournament, "qualifier": qualifier, "members": len(members),
            "matches": MATCHES, "races": len(races), "presets": PRESETS}
