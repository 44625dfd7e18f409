//! The leaderboard of a qualifier with 10 000 races by 500 players (4 pools, 5 runs per pool),
//! computed by the pure rule the service uses (`rules::leaderboard`), and the par/score pass of
//! one permalink. Run: `cargo bench -p async_qualifier --features ssr --bench leaderboard`.

use async_qualifier::rules::{self, BoardRace, RaceStatus, RaceTiming};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// A deterministic spread of statuses, scores and reattempts (no RNG dependency needed).
fn races(players: i64, per_player: i64, pools: &[i64]) -> Vec<BoardRace> {
    let mut out = Vec::with_capacity((players * per_player) as usize);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for user in 0..players {
        for n in 0..per_player {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let status = match x % 20 {
                0 => RaceStatus::Forfeit,
                1 => RaceStatus::Disqualified,
                2 => RaceStatus::InProgress,
                _ => RaceStatus::Finished,
            };
            out.push(BoardRace {
                user_id: user,
                pool_id: pools[(n as usize) % pools.len()],
                status,
                reattempted: x.is_multiple_of(31),
                score: Some((x % 10_500) as f64 / 100.0),
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let pools = [11, 12, 13, 14];
    let board = races(500, 20, &pools);
    assert_eq!(board.len(), 10_000);
    c.bench_function("leaderboard 10k races / 500 players", |b| {
        b.iter(|| rules::leaderboard(black_box(&pools), 5, black_box(&board)))
    });
    let timings: Vec<RaceTiming> = (0..500)
        .map(|i| RaceTiming {
            race_id: i,
            status: RaceStatus::Finished,
            reattempted: false,
            elapsed_seconds: Some(3000.0 + (i * 37 % 2000) as f64),
        })
        .collect();
    c.bench_function("par and scores of a permalink with 500 runs", |b| {
        b.iter(|| rules::score_permalink(black_box(&timings)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
