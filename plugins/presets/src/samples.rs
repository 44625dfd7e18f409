//! Hostile preset documents for the tests of every entry point (the format, the service, the
//! HTTP API): generated from a seed, so a failing case names the seed that reproduces it.
//!
//! Each seed picks one family — deep nesting (block and flow), anchors and aliases, huge
//! scalars, odd unicode, tags, very many values, indicator soup, JSON, multi-document streams
//! and directives — or a random tree mixing all of them. Not used by the plugin itself.

/// splitmix64: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 0 ..< n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text that is legal but unusual in YAML: right-to-left marks, zero-width joiners, combining
/// marks, emoji, byte order marks, private use, line and paragraph separators, NEL.
pub const ODD_TEXT: &[&str] = &[
    "\u{202e}gnirts desrever",
    "a\u{200d}b\u{200b}c",
    "e\u{301}\u{301}\u{301}",
    "🦀🏳️‍🌈👩‍👩‍👧",
    "\u{feff}bom",
    "\u{e000}\u{f8ff}",
    "line\u{2028}sep\u{2029}para",
    "nel\u{85}here",
    "𝕳𝖊𝖑𝖑𝖔",
    "ｆｕｌｌ",
    "\u{fffd}",
    "日本語のキー",
];

/// YAML tags, standard and not.
pub const TAGS: &[&str] = &[
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!binary",
    "!!set",
    "!!omap",
    "!!map",
    "!!seq",
    "!!timestamp",
    "!custom",
    "!<tag:example.com,2000:app/x>",
    "!e!local",
];

fn scalar(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => format!("{}", rng.next_u64() as i64),
        1 => (*rng.pick(&[
            ".nan", ".inf", "-.inf", "0x1F", "0o17", "1e400", "-0", "~", "null",
        ]))
        .to_string(),
        2 => (*rng.pick(&["yes", "no", "on", "off", "true", "False", "Y", "n"])).to_string(),
        3 => format!("\"{}\"", rng.pick(ODD_TEXT)),
        4 => format!("'{}'", rng.pick(ODD_TEXT).replace('\'', "''")),
        5 => format!(
            "\"{}\"",
            rng.pick(&[
                "\\0",
                "\\x01",
                "\\u0000",
                "\\ud800",
                "\\U0010FFFF",
                "\\e\\a",
                "\\N\\_"
            ])
        ),
        6 => format!(
            "{} {}",
            rng.pick(TAGS),
            rng.pick(&["1", "x", "[]", "{}", "\"\""])
        ),
        7 => "x".repeat(rng.below(2_000)),
        8 => format!("2001-12-14t21:59:43.{}Z", rng.below(1_000_000)),
        9 => (*rng.pick(&["", "''", "\"\"", "-", "?", ":", "#c", "@x", "`x", "%x"])).to_string(),
        _ => format!("word{}", rng.below(1000)),
    }
}

fn key(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => format!("\"{}\"", rng.pick(ODD_TEXT)),
        1 => "? [complex, key]".into(),
        2 => (*rng.pick(&["<<", "1", "null", "~", "true", "\"\"", "'a: b'"])).to_string(),
        _ => format!("k{}", rng.below(100)),
    }
}

/// A random flow-style value of at most `depth` levels mixing every feature.
fn tree(rng: &mut Rng, depth: usize, budget: &mut usize) -> String {
    if *budget == 0 || depth == 0 {
        return scalar(rng);
    }
    *budget -= 1;
    match rng.below(10) {
        0..=2 => {
            let n = rng.below(6);
            let items: Vec<String> = (0..n).map(|_| tree(rng, depth - 1, budget)).collect();
            format!("[{}]", items.join(", "))
        }
        3..=5 => {
            let n = rng.below(6);
            let items: Vec<String> = (0..n)
                .map(|_| {
                    let k = key(rng);
                    let k = if k.starts_with('?') {
                        "k".to_string()
                    } else {
                        k
                    };
                    format!("{k}: {}", tree(rng, depth - 1, budget))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        6 => format!("{} {}", rng.pick(TAGS), tree(rng, depth - 1, budget)),
        7 if rng.below(8) == 0 => format!("&a{} {}", rng.below(3), tree(rng, depth - 1, budget)),
        8 if rng.below(8) == 0 => format!("*a{}", rng.below(3)),
        _ => scalar(rng),
    }
}

/// One hostile document for `seed`.
pub fn hostile_yaml(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    match rng.below(11) {
        // Deep block nesting around the depth budget.
        0 => {
            let levels = 20 + rng.below(60);
            let mut text = String::new();
            for level in 0..levels {
                text.push_str(&"  ".repeat(level));
                text.push_str(&format!("k{level}:\n"));
            }
            text.push_str(&"  ".repeat(levels));
            text.push_str("leaf: 1\n");
            text
        }
        // Deep flow nesting, far past any recursion limit.
        1 => {
            let levels = 10 + rng.below(20_000);
            if rng.below(2) == 0 {
                format!("a: {}1{}\n", "[".repeat(levels), "]".repeat(levels))
            } else {
                format!("a: {}1{}\n", "{a: ".repeat(levels), "}".repeat(levels))
            }
        }
        // Anchors, aliases, merge keys, bombs of every size.
        2 => match rng.below(4) {
            0 => crate::format::alias_bomb(),
            1 => "base: &b {goal: ganon}\nderived:\n  <<: *b\n  mode: open\n".into(),
            2 => {
                let levels = 1 + rng.below(12);
                let mut text = String::from("a0: &a0 [x, x]\n");
                for level in 1..levels {
                    text.push_str(&format!(
                        "a{level}: &a{level} [*a{}, *a{}]\n",
                        level - 1,
                        level - 1
                    ));
                }
                text
            }
            _ => "list:\n  - &item one\n  - *item\n  - *missing\n".into(),
        },
        // Huge scalars around the size budget.
        3 => {
            let size = 150_000 + rng.below(100_000);
            match rng.below(3) {
                0 => format!("notes: \"{}\"\n", "x".repeat(size)),
                1 => format!("notes: |\n  {}\n", "y".repeat(size)),
                _ => format!("{}: 1\n", "k".repeat(size)),
            }
        }
        // Odd unicode in keys and values, raw control characters.
        4 => {
            let mut text = String::new();
            for _ in 0..(1 + rng.below(20)) {
                text.push_str(&format!(
                    "\"{}{}\": \"{}\"\n",
                    rng.pick(ODD_TEXT),
                    rng.below(1000),
                    rng.pick(ODD_TEXT)
                ));
            }
            if rng.below(3) == 0 {
                text.push_str("raw: a\u{1}b\u{7f}\n");
            }
            if rng.below(3) == 0 {
                text.insert(0, '\u{feff}');
            }
            text
        }
        // Tags everywhere.
        5 => {
            let mut text = String::new();
            for i in 0..(1 + rng.below(10)) {
                text.push_str(&format!("t{i}: {} {}\n", rng.pick(TAGS), scalar(&mut rng)));
            }
            if rng.below(2) == 0 {
                text.push_str(
                    "set: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\nbin: !!binary aGVsbG8=\n",
                );
            }
            if rng.below(2) == 0 {
                text = format!("!custom\n{text}");
            }
            text
        }
        // Very many values around the value budget.
        6 => {
            let n = 40_000 + rng.below(20_000);
            format!("list: [{}]\n", vec!["1"; n].join(","))
        }
        // Indicator soup.
        7 => {
            const PIECES: &[&str] = &[
                "- ", ": ", "? ", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "'", "\"", "%",
                "@", "`", "#", "\n", "\t", "  ", "a", "1", "---", "...", "<<",
            ];
            (0..rng.below(400)).map(|_| *rng.pick(PIECES)).collect()
        }
        // JSON, as the API might send it.
        8 => {
            let mut budget = 200;
            let value = json_tree(&mut rng, 6, &mut budget);
            format!("{{\"settings\": {value}, \"goal_name\": \"x\"}}")
        }
        // Streams: several documents, directives, comments only.
        9 => (*rng.pick(&[
            "---\na: 1\n---\nb: 2\n",
            "%YAML 1.1\n---\na: 1\n",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "# only a comment\n",
            "---\n...\n",
            "a: 1\n...\n---\nb: 2\n",
            "%YAML 2.0\n---\na: 1\n",
        ]))
        .to_string(),
        // A random tree of everything.
        _ => {
            let mut budget = 300;
            format!("root: {}\n", tree(&mut rng, 12, &mut budget))
        }
    }
}

fn json_tree(rng: &mut Rng, depth: usize, budget: &mut usize) -> String {
    if depth == 0 || *budget == 0 {
        return match rng.below(5) {
            0 => format!("{}", rng.next_u64() as i64),
            1 => serde_json::to_string(rng.pick(ODD_TEXT)).unwrap_or_default(),
            2 => "null".into(),
            3 => "true".into(),
            _ => "1.5e10".into(),
        };
    }
    *budget -= 1;
    match rng.below(3) {
        0 => {
            let items: Vec<String> = (0..rng.below(5))
                .map(|_| json_tree(rng, depth - 1, budget))
                .collect();
            format!("[{}]", items.join(","))
        }
        1 => {
            let items: Vec<String> = (0..rng.below(5))
                .map(|i| format!("\"k{i}\":{}", json_tree(rng, depth - 1, budget)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        _ => json_tree(rng, 0, budget),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_document() {
        for seed in 0..50 {
            assert_eq!(hostile_yaml(seed), hostile_yaml(seed));
        }
    }
}
