//! The generator against the regex crate and jsonschema: a table of patterns and bounds,
//! ECMA-only syntax, readability, errors, and random patterns from a small grammar.

use super::*;
use crate::generate::test_util::draw_strings;
use crate::rng::{hash_str, mix};
use proptest::prelude::*;
use serde_json::json;

/// What generation draws for ECMA `\s`: its members that Python's `re` and Unicode's
/// White_Space (the `regex` crate's `\s`) also count, so U+FEFF is left out.
const AGREED_SPACE: &str =
    r"[\t-\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]";

/// The pattern for the `regex` crate: `\s` as generation reads it, `\d` and `\w` ASCII
/// (the crate's are Unicode, a superset). Everything else means the same in both dialects.
fn rust_regex(pattern: &str) -> regex::Regex {
    let rust = pattern
        .replace(r"\s", AGREED_SPACE)
        .replace(r"\S", &AGREED_SPACE.replacen('[', "[^", 1));
    regex::Regex::new(&rust).unwrap_or_else(|e| panic!("regex crate refuses {pattern}: {e}"))
}

fn schema(pattern: &str, min: usize, max: Option<usize>) -> serde_json::Value {
    let mut schema = json!({"type": "string", "pattern": pattern, "minLength": min});
    if let Some(max) = max {
        schema["maxLength"] = json!(max);
    }
    schema
}

fn sample(generator: &PatternGen, seed: u64, count: usize) -> Vec<String> {
    draw_strings(seed, count, |rng, out| generator.generate(rng, out))
}

/// Runs of a class draw several characters per 64-bit word: each position must
/// still be uniform, the last of a word (drawn from its lowest bits) as much as the
/// first. 20,000 strings; every count within 5 standard deviations.
#[test]
fn class_runs_are_uniform_at_every_position() {
    for (pattern, alphabet) in [
        ("^[0-9]{12}$", "0123456789"),
        ("^[a-z]{9}$", "abcdefghijklmnopqrstuvwxyz"),
    ] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        let values = sample(&generator, 11, 20_000);
        let len = values[0].len();
        let p = 1.0 / alphabet.len() as f64;
        let (mean, sd) = (20_000.0 * p, (20_000.0 * p * (1.0 - p)).sqrt());
        for position in 0..len {
            for symbol in alphabet.bytes() {
                let count = values
                    .iter()
                    .filter(|v| v.as_bytes()[position] == symbol)
                    .count();
                assert!(
                    (count as f64 - mean).abs() < 5.0 * sd,
                    "{pattern}: {} at {position} drawn {count} times, expected {mean:.0}",
                    symbol as char
                );
            }
        }
    }
}

/// Generates 500 strings and checks each against the pattern (regex crate, search
/// semantics), the length bounds, `length_range`, and jsonschema's own verdict.
fn check(pattern: &str, min: usize, max: Option<usize>, rust: Option<&regex::Regex>) {
    let generator = PatternGen::new(pattern, min, max)
        .unwrap_or_else(|e| panic!("{pattern} [{min}, {max:?}] refused: {e}"));
    let validator = jsonschema::validator_for(&schema(pattern, min, max))
        .unwrap_or_else(|e| panic!("jsonschema refuses {pattern}: {e}"));
    let (shortest, longest) = generator.length_range();
    for value in sample(&generator, hash_str(pattern) ^ min as u64, 500) {
        let len = value.chars().count();
        let context = format!("{value:?} for {pattern} [{min}, {max:?}]");
        assert!(
            len >= min && max.is_none_or(|m| len <= m),
            "length {len}: {context}"
        );
        assert!(
            len >= shortest && longest.is_none_or(|l| len <= l),
            "length_range: {context}"
        );
        if let Some(rust) = rust {
            assert!(rust.is_match(&value), "regex crate: {context}");
        }
        assert!(validator.is_valid(&json!(value)), "jsonschema: {context}");
    }
}

/// Length bounds: `minLength` and optional `maxLength`.
type Bounds = (usize, Option<usize>);

/// (pattern, length bounds to try); every combination is satisfiable.
#[rustfmt::skip]
const TABLE: &[(&str, &[Bounds])] = &[
    (r"^[0-9]{5}$", &[(0, None), (5, Some(5)), (3, Some(10))]),
    (r"^[A-Z]{2}$", &[(0, None), (2, Some(2)), (1, Some(3))]),
    (r"^\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}$", &[(0, None), (15, Some(15))]),
    (r"^SKU-[A-Z0-9]{6}$", &[(0, None), (10, Some(10)), (0, Some(50))]),
    (r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{12,30}$", &[(0, None), (20, Some(25)), (15, Some(16)), (34, Some(40)), (0, Some(17))]),
    (r"^[A-Z]{4}-[0-9]{4}$", &[(0, None), (9, Some(9))]),
    (r"^[a-z][a-z0-9_]{2,15}$", &[(0, None), (10, Some(10)), (1, Some(4)), (16, None)]),
    (r"^[a-z]{2,6}$", &[(0, None), (6, Some(6)), (0, Some(2)), (3, Some(4))]),
    ("abc", &[(0, None), (10, Some(20)), (3, Some(3)), (5, None), (200, Some(200))]),
    ("[0-9]+", &[(0, None), (1, Some(1)), (12, Some(12)), (30, None), (0, Some(3))]),
    ("^a", &[(0, None), (5, Some(8)), (1, Some(1))]),
    ("b$", &[(0, None), (5, Some(8)), (1, Some(1))]),
    ("cat|dog", &[(0, None), (3, Some(3)), (10, Some(12))]),
    ("^(?:cat|dog|bird)$", &[(0, None), (4, Some(4)), (3, Some(3))]),
    (r"[A-Z]{3}|^[0-9]{2}$", &[(0, None), (2, Some(2)), (3, Some(3)), (8, None)]),
    (r"^\d{3}$", &[(0, None), (3, Some(3))]),
    (r"\d+", &[(0, None), (5, Some(10))]),
    (r"^\w+$", &[(0, None), (4, Some(4)), (20, Some(30))]),
    (r"^.{3,10}$", &[(0, None), (10, Some(10)), (0, Some(3))]),
    (".", &[(0, None), (1, Some(1)), (7, Some(9))]),
    ("^[^a-z]+$", &[(0, None), (5, Some(5)), (1, Some(40))]),
    ("^[^0-9]{2,4}$", &[(0, None), (3, Some(3))]),
    (r"^\p{L}+$", &[(0, None), (12, Some(12))]),
    (r"^\p{Lu}\p{Ll}+$", &[(0, None), (2, Some(5))]),
    (r"^\p{Greek}{3}$", &[(0, None)]),
    (r"^[^\x00-\x7F]+$", &[(0, None), (2, Some(3))]),
    ("(?:ab|cd)*x", &[(0, None), (1, Some(1)), (6, Some(6)), (20, None)]),
    (r"^(?:ab|cd)*x$", &[(0, None), (7, Some(8)), (1, Some(1))]),
    (r"^(\([0-9]{3}\))?[0-9]{3}-[0-9]{4}$", &[(0, None), (8, Some(8)), (13, Some(13)), (8, Some(13))]),
    ("^$", &[(0, None), (0, Some(0))]),
    ("^(ab)+$", &[(0, None), (3, Some(5)), (10, Some(10))]),
    ("^(a|bc|def){2,4}$", &[(0, None), (5, Some(7)), (12, Some(12))]),
    ("^(foo|)bar$", &[(0, None), (3, Some(3)), (6, Some(6))]),
    (r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$", &[(0, None)]),
    (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", &[(0, None), (6, Some(6)), (30, Some(40))]),
    (r"^https?://[a-z0-9.-]+\.[a-z]{2,6}(/[a-z0-9_-]*)*$", &[(0, None), (11, Some(11)), (40, Some(60))]),
    (r"^#[0-9a-fA-F]{6}$", &[(0, None)]),
    (r"^\s*\S+\s*$", &[(0, None), (5, Some(5))]),
    (r"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])-(?<day>0[1-9]|[12]\d|3[01])$", &[(0, None)]),
    (r"\bfoo\b", &[(0, None), (3, Some(3)), (4, Some(4)), (10, None)]),
    (r"\d+\b", &[(0, None), (6, Some(6))]),
    (r"^[a-z]+\b", &[(0, None), (9, Some(12))]),
    (r"^[+-]?\d+(\.\d+)?$", &[(0, None), (1, Some(1)), (4, Some(4))]),
    ("^(?i:abc)$", &[(0, None)]),
    (r"^[\w.-]+$", &[(0, None), (8, Some(8))]),
    ("^a*$", &[(0, None), (0, Some(0)), (30, Some(30))]),
    ("x*", &[(0, None), (3, Some(5))]),
    (r"^[\u0041-\u005A]{3}$", &[(0, None)]),
    (r"^\x41\x42$", &[(0, None)]),
    ("a{2,}b?", &[(0, None), (2, Some(2)), (15, None)]),
    ("^[a-z]+(-[a-z]+)*$", &[(0, None), (3, Some(3)), (25, Some(25))]),
    (r"^\/api\/v[0-9]+$", &[(0, None)]),
    ("^(a?){3,}$", &[(0, None), (0, Some(0)), (5, Some(5))]),
];

#[test]
fn table_of_patterns_meets_pattern_and_bounds() {
    assert!(TABLE.len() >= 40);
    for (pattern, bounds) in TABLE {
        let rust = rust_regex(pattern);
        for &(min, max) in *bounds {
            check(pattern, min, max, Some(&rust));
        }
    }
}

/// ECMA-only syntax the `regex` crate cannot read: checked with jsonschema only.
#[test]
fn ecma_only_syntax() {
    for pattern in [
        r"^\cJ\cj$",
        r"^[\d\-z]+$",
        r"^[\w-]{3}$",
        r"^[\s\S]{2}$",
        r"^a\/b$",
    ] {
        check(pattern, 0, None, None);
    }
    let generator = PatternGen::new(r"^\uD83D\uDE00\u{1F601}$", 0, None).unwrap();
    assert_eq!(sample(&generator, 1, 1), ["\u{1F600}\u{1F601}"]);
    let generator = PatternGen::new(r"^\cJ[\b]\0$", 0, None).unwrap();
    assert_eq!(sample(&generator, 1, 1), ["\n\u{8}\0"]);
    // ASCII `\d`, `\w`: never Unicode digits or letters.
    for value in sample(&PatternGen::new(r"^\d\w$", 0, None).unwrap(), 3, 500) {
        assert!(value.is_ascii(), "{value:?}");
    }
    // ECMA `.` never produces a line terminator, `[^]` may be anything.
    for value in sample(&PatternGen::new("^.{20}$", 0, None).unwrap(), 4, 200) {
        assert!(
            !value.contains(['\n', '\r', '\u{2028}', '\u{2029}']),
            "{value:?}"
        );
    }
    let generator = PatternGen::new("^[^]$", 0, None).unwrap();
    assert_eq!(sample(&generator, 5, 10).len(), 10);
}

#[test]
fn readable_output() {
    // Huge classes draw mostly printable ASCII.
    let values = sample(&PatternGen::new(r"^\p{L}{10}$", 0, None).unwrap(), 6, 200);
    let ascii = values
        .iter()
        .flat_map(|v| v.chars())
        .filter(char::is_ascii)
        .count();
    assert!(ascii > 200 * 10 * 3 / 4, "{ascii}");
    // Unbounded repetitions stay short without a reason to grow.
    let generator = PatternGen::new(r"^[0-9]+$", 0, None).unwrap();
    assert_eq!(generator.length_range(), (1, Some(9)));
    // Every allowed length shows up.
    let values = sample(&PatternGen::new("^[a-z]{2,6}$", 0, None).unwrap(), 7, 300);
    for len in 2..=6 {
        assert!(
            values.iter().any(|v| v.len() == len),
            "no value of length {len}"
        );
    }
    // Unanchored patterns are emitted as they are unless minLength asks for more.
    assert_eq!(
        sample(&PatternGen::new("abc", 0, None).unwrap(), 8, 1),
        ["abc"]
    );
    let padded = sample(&PatternGen::new("^abc", 6, None).unwrap(), 8, 1);
    assert!(
        padded[0].starts_with("abc") && padded[0].len() == 6,
        "{padded:?}"
    );
    let padded = sample(&PatternGen::new("abc$", 6, None).unwrap(), 8, 1);
    assert!(
        padded[0].ends_with("abc") && padded[0].len() == 6,
        "{padded:?}"
    );
}

#[test]
fn same_seed_same_strings() {
    let generator = PatternGen::new(r"^[a-z][a-z0-9_]{2,15}$", 0, None).unwrap();
    assert_eq!(sample(&generator, 42, 50), sample(&generator, 42, 50));
    assert_ne!(sample(&generator, 42, 50), sample(&generator, 43, 50));
    let clone = generator.clone();
    assert_eq!(sample(&generator, 9, 20), sample(&clone, 9, 20));
}

fn error(pattern: &str, min: usize, max: Option<usize>) -> PatternError {
    match PatternGen::new(pattern, min, max) {
        Ok(_) => panic!("{pattern} [{min}, {max:?}] was accepted"),
        Err(e) => e,
    }
}

#[test]
fn syntax_errors() {
    for pattern in [
        "(abc",
        "abc)",
        "[z-a]",
        "a{",
        "a{2,1}",
        "*a",
        "a**",
        r"\",
        "[abc",
        r"\q",
        r"\u12",
        r"(?P<x>a)",
        "(?x:a)",
        r"\01",
        r"[\d-z]",
        "a]",
        "a}",
    ] {
        assert!(
            matches!(error(pattern, 0, None), PatternError::Syntax(_)),
            "{pattern}: {:?}",
            error(pattern, 0, None)
        );
    }
    let PatternError::Syntax(message) = error("(abc", 0, None) else {
        unreachable!()
    };
    assert!(message.contains("(abc"), "{message}");
}

#[test]
fn unsupported_features() {
    for (pattern, feature) in [
        (r"\k<x>(?<x>a)", "before its group"),
        ("(?s:a.)", "modifier"),
        ("a^b", "`^`"),
        ("(a$)+", "`$`"),
        (r"(\ba)+", r"`\b`"),
        (r"\b\p{L}", r"`\b`"),
        (r"\uD800", "surrogate"),
    ] {
        match error(pattern, 0, None) {
            PatternError::Unsupported(message) => {
                assert!(message.contains(feature), "{pattern}: {message}")
            }
            other => panic!("{pattern}: {other:?}"),
        }
    }
}

#[test]
fn unsatisfiable_with_arithmetic() {
    let cases: &[(&str, usize, Option<usize>, &str)] = &[
        (
            r"^[0-9]{5}$",
            0,
            Some(3),
            "pattern ^[0-9]{5}$ always has 5 characters but maxLength is 3",
        ),
        (
            r"^[0-9]{5}$",
            6,
            None,
            "pattern ^[0-9]{5}$ always has 5 characters but minLength is 6",
        ),
        (
            r"^[a-z]{2,6}$",
            7,
            Some(9),
            "pattern ^[a-z]{2,6}$ has at most 6 characters but minLength is 7",
        ),
        (
            "abc",
            0,
            Some(2),
            "pattern abc needs at least 3 characters but maxLength is 2",
        ),
        (
            "^(ab)+$",
            3,
            Some(3),
            "pattern ^(ab)+$ has no string of exactly 3 characters; the closest lengths are 2 and 4",
        ),
        (
            "^a$|^bbbb$",
            2,
            Some(3),
            "pattern ^a$|^bbbb$ has no string of between 2 and 3 characters; the closest lengths are 1 and 4",
        ),
        ("a", 5, Some(4), "minLength 5 is greater than maxLength 4"),
        (
            "x[]",
            0,
            None,
            "pattern x[] can never match: it needs a character from an empty class",
        ),
        (r"a\bb", 0, None, "pattern a\\bb can never match"),
        (
            "^(?!a)a$",
            0,
            None,
            "pattern ^(?!a)a$: none of 256 candidates met its look-arounds",
        ),
        (
            "^(?=b)a+$",
            0,
            None,
            "pattern ^(?=b)a+$: none of 256 candidates met",
        ),
        (
            r"^(a+)-\1$",
            4,
            Some(4),
            r"pattern ^(a+)-\1$: none of 256 candidates with 4 to 4 characters met",
        ),
        (r"^\b-", 0, None, "pattern ^\\b- can never match"),
    ];
    for &(pattern, min, max, expected) in cases {
        match error(pattern, min, max) {
            PatternError::Unsatisfiable(message) => {
                assert!(message.starts_with(expected), "{pattern}: {message}")
            }
            other => panic!("{pattern}: {other:?}"),
        }
    }
}

#[test]
fn pathological_patterns_are_refused_quickly() {
    assert!(matches!(
        error("^a{100000}$", 0, None),
        PatternError::Unsupported(_)
    ));
    assert!(matches!(
        error("a", MAX_PLANNED_LEN + 1, None),
        PatternError::Unsupported(_)
    ));
    // Large but fine: planned within the budget.
    check(
        "^(?:a|bc)*$",
        500,
        Some(600),
        Some(&rust_regex("^(?:a|bc)*$")),
    );
    check("[a-z]{0,100000}", 0, None, None);
}

/// Atoms that each match one of `a`, `b`, `0`, `-` (see `all_strings`).
const SIMPLE_ATOMS: &[&str] = &["a", "b", "-", "[ab]", "[^a]", r"\d", r"\w", "."];
/// Also assertions, placed anywhere, and Unicode.
const WIDE_ATOMS: &[&str] = &[
    "a", "-", " ", "[ab]", "[^a]", r"\d", r"\w", ".", "^", "$", r"\b", r"\B", r"\s", r"\S",
    "\u{e9}", r"\p{L}", "x{0}",
];

/// A random pattern from a small grammar over `atoms`: groups, quantifiers, sequences and
/// alternations, optionally anchored.
fn pattern_from(atoms: &'static [&'static str]) -> impl Strategy<Value = String> {
    let atom = prop::sample::select(atoms).prop_map(String::from);
    let quantifier =
        prop::sample::select(&["", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "*?"][..]);
    let expression = atom.prop_recursive(3, 12, 3, move |inner| {
        prop_oneof![
            (inner.clone(), quantifier.clone()).prop_map(|(e, q)| format!("(?:{e}){q}")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|parts| parts.concat()),
            prop::collection::vec(inner, 2..4).prop_map(|parts| format!("(?:{})", parts.join("|"))),
        ]
    });
    (any::<bool>(), expression, any::<bool>()).prop_map(|(start, e, end)| {
        format!(
            "{}{e}{}",
            if start { "^" } else { "" },
            if end { "$" } else { "" }
        )
    })
}

/// Every string over {a, b, 0, -} with a length in `lengths`.
fn all_strings(lengths: std::ops::RangeInclusive<usize>) -> Vec<String> {
    let mut all = Vec::new();
    let mut current = vec![String::new()];
    for len in 0..=*lengths.end() {
        if lengths.contains(&len) {
            all.extend(current.iter().cloned());
        }
        current = current
            .iter()
            .flat_map(|s| ['a', 'b', '0', '-'].map(|c| format!("{s}{c}")))
            .collect();
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_patterns_meet_pattern_and_bounds(
        pattern in pattern_from(SIMPLE_ATOMS),
        min in 0usize..8,
        max in prop::option::of(0usize..10),
        seed in any::<u64>(),
    ) {
        let rust = regex::Regex::new(&pattern).unwrap();
        match PatternGen::new(&pattern, min, max) {
            Ok(generator) => {
                let validator = jsonschema::validator_for(&schema(&pattern, min, max)).unwrap();
                for value in sample(&generator, seed, 40) {
                    let len = value.chars().count();
                    prop_assert!(len >= min && max.is_none_or(|m| len <= m), "{value:?}");
                    prop_assert!(rust.is_match(&value), "{value:?}");
                    prop_assert!(validator.is_valid(&json!(value)), "{value:?}");
                    prop_assert!(
                        !generator.never_escapes() || !crate::sink::needs_escape(value.as_bytes()),
                        "{value:?}"
                    );
                }
            }
            Err(PatternError::Unsatisfiable(message)) => {
                // Each atom matches one of a, b, 0, -, so if any string of an allowed length
                // matched, one over those four characters would too.
                let top = max.unwrap_or(6).min(6);
                if min <= top {
                    let witness = all_strings(min..=top).into_iter().find(|s| rust.is_match(s));
                    prop_assert!(witness.is_none(), "refused ({message}) but {witness:?} fits");
                }
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }

    /// Anchors and word boundaries anywhere: each pattern is honoured or refused, never
    /// mishandled. Checked with jsonschema alone (whose `\b` is Unicode-aware, unlike the
    /// `regex` crate's meaning of the ECMA pattern).
    #[test]
    fn assertions_anywhere_are_honoured_or_refused(
        pattern in pattern_from(WIDE_ATOMS),
        min in 0usize..8,
        max in prop::option::of(0usize..12),
        seed in any::<u64>(),
    ) {
        // jsonschema refuses a few valid patterns; there is nothing to check those against.
        let Ok(validator) = jsonschema::validator_for(&schema(&pattern, min, max)) else {
            return Ok(());
        };
        match PatternGen::new(&pattern, min, max) {
            Ok(generator) => {
                for value in sample(&generator, seed, 40) {
                    let len = value.chars().count();
                    prop_assert!(len >= min && max.is_none_or(|m| len <= m), "{value:?}");
                    prop_assert!(validator.is_valid(&json!(value)), "{value:?}");
                }
            }
            Err(PatternError::Unsatisfiable(_) | PatternError::Unsupported(_)) => {}
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}

/// Fixed-shape patterns are written from their flattened pieces: the same strings as
/// the walk of the tree, draw for draw. Others keep the walk.
#[test]
fn fixed_shapes_write_what_the_walk_writes() {
    for (pattern, flattened) in [
        (r"^[0-9]{5}$", true),
        (r"^\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}$", true),
        (r"^SKU-[A-Z0-9]{6}$", true),
        (r"^[A-Z]{2}$", true),
        (r"^x[ab]y(?:[0-9]-){3}z$", true),
        (r"^é[α-ω]{4}\.$", true),
        (r"^(?:ab){3}c?$", false),
    ] {
        let flat = PatternGen::new(pattern, 0, None).unwrap();
        let mut walk = flat.clone();
        walk.fixed = None;
        assert_eq!(flat.fixed.is_some(), flattened, "{pattern}");
        assert_eq!(sample(&flat, 3, 500), sample(&walk, 3, 500), "{pattern}");
    }
    for unfixed in [r"^[a-z]{2,6}$", r"[0-9]{5}", r"^(?:a|bc)$"] {
        let generator = PatternGen::new(unfixed, 0, None).unwrap();
        assert!(generator.fixed.is_none(), "{unfixed}");
    }
}

/// A pattern says whether its strings can need JSON escapes, from its classes and
/// literals; the strings of one that says no never do.
#[test]
fn patterns_know_whether_they_need_escapes() {
    for (pattern, never) in [
        (r"^[a-z0-9_]{2,15}$", true),
        (r"^\+1-\d{3}-\d{4}$", true),
        (r"[0-9]{3}", true),
        (r"^(?:ab|c[d-f])+é$", true),
        (r"^[ -~]{3}$", false),
        (r#"^say "hi"$"#, false),
        (r"^a\\b$", false),
        (r"^.{3}$", false),
        (r"^\s$", false),
        (r"^[^a-z]$", false),
    ] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert_eq!(generator.never_escapes(), never, "{pattern}");
        if never {
            for s in sample(&generator, 9, 2_000) {
                assert!(!crate::sink::needs_escape(s.as_bytes()), "{pattern}: {s:?}");
            }
        }
    }
}

/// Look-arounds and back-references: generated without the look-arounds, groups copied,
/// every value checked; each must satisfy jsonschema (which reads them with fancy-regex).
#[rustfmt::skip]
const CHECKED_BY_TRIAL: &[(&str, &[Bounds])] = &[
    (r"^(?!foo)[a-z]{3}$", &[(0, None)]),
    (r"^(?!x-)[a-z-]+$", &[(0, None), (6, Some(6))]),
    (r"^(?!.*--)[a-z-]{4,12}$", &[(0, None)]),
    (r"^(?=.*\d)[a-z0-9]{8}$", &[(0, None)]),
    (r"^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z\d]{8,}$", &[(0, None), (10, Some(12))]),
    (r"^[a-z0-9-]+(?<!-)$", &[(0, None), (3, Some(5))]),
    (r"^(?<!x)[a-z]+(?<=[aeiou])$", &[(0, None)]),
    (r"^((?!foo).)*$", &[(0, None), (9, Some(9))]),
    (r#"^(["'])[a-z]*\1$"#, &[(0, None), (4, Some(4))]),
    (r"^(\w+)-\1$", &[(0, None), (5, Some(9))]),
    (r"(ab)\1", &[(0, None), (8, None)]),
    (r"^(a)(b)?\2\1$", &[(0, None)]),
    (r"^(?!_)[\d_]{3}$", &[(0, None)]),
    (r"^(?!x)[^\s]{3}(?<![\w-])$", &[(0, None)]),
    (r"^(?=[a-z]{2})[a-z]{2}\b", &[(0, None)]),
];

/// Values drawn by trial, each with whether its check passed (a value whose candidates
/// all failed is left to the checked generator around the pattern).
fn sample_by_trial(generator: &PatternGen, seed: u64, count: usize) -> Vec<(String, bool)> {
    let Some(Special::Trial(trial)) = generator.special.as_deref() else {
        panic!("a pattern checked by trial");
    };
    (0..count as u64)
        .map(|i| {
            let mut value = String::new();
            let passed = generator.generate_by_trial(
                trial,
                &mut crate::rng::rng_for(mix(seed, i)),
                &mut value,
            );
            (value, passed)
        })
        .collect()
}

/// Every value whose check passed is valid for jsonschema and within the bounds, and at
/// least `share` percent pass.
fn check_by_trial(pattern: &str, min: usize, max: Option<usize>, share: usize) {
    let generator = PatternGen::new(pattern, min, max)
        .unwrap_or_else(|e| panic!("{pattern} [{min}, {max:?}] refused: {e}"));
    let validator = jsonschema::validator_for(&schema(pattern, min, max))
        .unwrap_or_else(|e| panic!("jsonschema refuses {pattern}: {e}"));
    let values = sample_by_trial(&generator, hash_str(pattern) ^ min as u64, 500);
    for (value, _) in values.iter().filter(|(_, passed)| *passed) {
        let len = value.chars().count();
        assert!(
            len >= min && max.is_none_or(|m| len <= m),
            "{value:?} for {pattern}"
        );
        assert!(
            validator.is_valid(&json!(value)),
            "jsonschema: {value:?} for {pattern} [{min}, {max:?}]"
        );
    }
    let passed = values.iter().filter(|(_, passed)| *passed).count();
    assert!(
        passed * 100 >= values.len() * share,
        "{pattern} [{min}, {max:?}]: {passed} of 500 passed"
    );
}

#[test]
fn look_arounds_and_backrefs_are_checked_by_trial() {
    for (pattern, bounds) in CHECKED_BY_TRIAL {
        for &(min, max) in *bounds {
            check_by_trial(pattern, min, max, 99);
            assert!(
                PatternGen::new(pattern, min, max).unwrap().by_trial(),
                "{pattern}"
            );
        }
    }
    // A back-reference writes what its group wrote.
    let generator = PatternGen::new(r#"^(["'])x\1$"#, 0, None).unwrap();
    for value in sample(&generator, 2, 100) {
        assert_eq!(value.chars().next(), value.chars().last(), "{value}");
    }
    // Named ones too (which the jsonschema crate refuses, so checked here by hand).
    let generator = PatternGen::new(r"^(?<word>[a-c]{2}) \k<word>$", 0, None).unwrap();
    for (value, passed) in sample_by_trial(&generator, 3, 100) {
        assert!(
            passed && value.len() == 5 && value[..2] == value[3..],
            "{value}"
        );
    }
    // Patterns without either are exact by construction, as before.
    assert!(!PatternGen::new(r"^(a)b\d$", 0, None).unwrap().by_trial());
}

/// `\A`, `\z` and `\Z` are read as `^` and `$`, as Python's `re` and the jsonschema crate
/// read them, and reported.
#[test]
fn anchors_of_other_dialects() {
    let generator = PatternGen::new(r"\Aab[0-9]\z", 0, None).unwrap();
    assert_eq!(generator.foreign_anchors(), [r"\A", r"\z"]);
    for value in sample(&generator, 3, 50) {
        assert!(rust_regex(r"^ab[0-9]$").is_match(&value), "{value}");
    }
    check(r"\Aab[0-9]\z", 0, None, None);
    let generator = PatternGen::new(r"x\Z", 5, None).unwrap();
    assert_eq!(generator.foreign_anchors(), [r"\Z"]);
    for value in sample(&generator, 4, 50) {
        assert!(
            value.ends_with('x') && value.chars().count() == 5,
            "{value}"
        );
    }
    assert!(
        PatternGen::new("^abc$", 0, None)
            .unwrap()
            .foreign_anchors()
            .is_empty()
    );
}

/// Class escapes are drawn from what every reading agrees on: never U+FEFF for `\s`, never
/// a character some reading counts as a digit, word or space character for `\D`, `\W`, `\S`
/// or inside `[^...]`, and negative look-arounds read their escapes wide.
#[test]
fn classes_satisfy_every_reading() {
    let python_space =
        |c: char| matches!(c, '\u{1C}'..='\u{1F}' | '\u{85}' | '\u{FEFF}') || c.is_whitespace();
    for value in sample(&PatternGen::new(r"^\s{50}$", 0, None).unwrap(), 5, 200) {
        assert!(!value.contains('\u{FEFF}'), "{value:?}");
    }
    for (pattern, bad) in [
        (r"^\S{40}$", &python_space as &dyn Fn(char) -> bool),
        (r"^[^\s]{40}$", &python_space),
        (r"^\D{40}$", &|c: char| c.is_numeric()),
        (r"^[^\d]{40}$", &|c: char| c.is_numeric()),
        (r"^\W{40}$", &|c: char| c.is_alphanumeric() || c == '_'),
        (r"^[^\w]{40}$", &|c: char| c.is_alphanumeric() || c == '_'),
        (r"^(?!.*\d).{8}$", &|c: char| c.is_numeric()),
        (r"^.{40}$", &|c: char| {
            matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
        }),
    ] {
        for value in sample(&PatternGen::new(pattern, 0, None).unwrap(), 6, 300) {
            assert!(!value.chars().any(bad), "{pattern}: {value:?}");
        }
    }
}

/// Atoms with look-arounds and a back-reference to the leading group.
const LOOK_ATOMS: &[&str] = &[
    "a", "b", "-", "[ab]", "[^a]", r"\d", r"\w", ".", "(?=a)", "(?!a)", "(?=[ab])", "(?<=b)",
    "(?<!a)", r"\1", "(?!.*b)",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    /// Look-arounds and back-references anywhere: each pattern is honoured or refused as
    /// unsatisfiable, never mishandled, as jsonschema (fancy-regex) reads it.
    #[test]
    fn look_arounds_anywhere_are_honoured_or_refused(
        body in pattern_from(LOOK_ATOMS),
        group in prop::sample::select(&["(a|b)", "([ab]+)", "(-?)"][..]),
        min in 0usize..8,
        max in prop::option::of(0usize..12),
        seed in any::<u64>(),
    ) {
        let pattern = format!("{group}{body}");
        let Ok(validator) = jsonschema::validator_for(&schema(&pattern, min, max)) else {
            return Ok(());
        };
        match PatternGen::new(&pattern, min, max) {
            Ok(generator) if generator.by_trial() => {
                for (value, passed) in sample_by_trial(&generator, seed, 40) {
                    let len = value.chars().count();
                    prop_assert!(!passed || (len >= min && max.is_none_or(|m| len <= m)), "{value:?}");
                    prop_assert!(!passed || validator.is_valid(&json!(value)), "{value:?}");
                }
            }
            Ok(generator) => {
                for value in sample(&generator, seed, 40) {
                    prop_assert!(validator.is_valid(&json!(value)), "{value:?}");
                }
            }
            Err(PatternError::Unsatisfiable(_) | PatternError::Unsupported(_)) => {}
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}

/// A pattern of one fixed shape enumerates its strings: every index a different string,
/// each a match; patterns with choices enumerate nothing.
#[test]
fn fixed_shapes_enumerate_distinct_matches() {
    for (pattern, expected) in [
        ("^[ab]{2}-[0-9]$", 40u64),
        ("^SKU-[A-Z0-9]{3}$", 36 * 36 * 36),
        ("^x$", 1),
        ("^[0-9]{5}\\.[a-c]$", 300_000),
    ] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert_eq!(generator.distinct(), Some(expected), "{pattern}");
        let regex = rust_regex(pattern);
        let shown = expected.min(50_000);
        let mut seen = std::collections::HashSet::new();
        for index in (0..shown).map(|i| i * (expected / shown)) {
            let mut out = String::new();
            generator.write_nth(index, &mut out);
            assert!(regex.is_match(&out), "{pattern}: {out:?}");
            assert!(seen.insert(out.clone()), "{pattern}: {out:?} twice");
        }
    }
    for pattern in ["^a|b$", "^[0-9]{2,4}$", "^(?!x)[a-z]{3}$", "^[0-9]+$"] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert_eq!(generator.distinct(), None, "{pattern}");
    }
    // More strings than 64 bits count: not enumerated.
    assert_eq!(
        PatternGen::new("^[a-z]{20}$", 0, None).unwrap().distinct(),
        None
    );
}

/// How many strings generation can write is bounded for patterns anchored at both ends
/// without unbounded repetitions, with choices or not: the bound holds every string
/// drawn, and is exact where the alternatives do not overlap. Padding or `+` make it
/// endless.
#[test]
fn reachable_bounds_the_strings_drawn() {
    for (pattern, bound) in [
        ("^(foo|bar)$", 2u64),
        ("^[ab]{2}-[0-9]$", 40),
        ("^(a|b)(c|d|e)?$", 2 * 4),
        ("^[0-9]{2,4}$", 100 + 1_000 + 10_000),
        ("^(x|y){0,3}$", 1 + 2 + 4 + 8),
        ("^(?!ab)[ab]{2}$", 4),
        ("^(a|)$", 2),
    ] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert_eq!(generator.reachable(), Some(bound), "{pattern}");
        let mut seen = std::collections::HashSet::new();
        let mut rng = rng_for(7);
        for _ in 0..20_000 {
            let mut out = String::new();
            generator.generate(&mut rng, &mut out);
            seen.insert(out);
        }
        assert!(
            seen.len() as u64 <= bound,
            "{pattern}: {} strings",
            seen.len()
        );
    }
    for pattern in ["^a", "b$", "^[0-9]+$", "^(a|b)*$", "^[a-z]{20}$"] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert_eq!(generator.reachable(), None, "{pattern}");
    }
}

/// Alternatives anchored differently (`^a$|^b`) are generated directly: regex-syntax
/// factors the shared `^` out into `^(?:a$|b)`, and the anchored group is distributed
/// back into top-level alternatives, each with its own anchors.
#[test]
fn alternatives_with_their_own_anchors_are_branches() {
    for (pattern, expected) in [
        ("^a$|^b", vec!["a", "b"]),
        ("^$|^x", vec!["", "x"]),
        ("^ab$|^ac", vec!["ab", "ac"]),
        ("^[0-9]{2}$|^auto", vec![]),
    ] {
        let generator = PatternGen::new(pattern, 0, None).unwrap();
        assert!(!generator.by_trial(), "{pattern}: checked by trial");
        let regex = rust_regex(pattern);
        let mut seen = std::collections::BTreeSet::new();
        let mut rng = rng_for(11);
        for _ in 0..200 {
            let mut out = String::new();
            generator.generate(&mut rng, &mut out);
            assert!(regex.is_match(&out), "{pattern}: {out:?}");
            seen.insert(out);
        }
        if !expected.is_empty() {
            let expected: std::collections::BTreeSet<String> =
                expected.into_iter().map(String::from).collect();
            assert_eq!(seen, expected, "{pattern}");
        }
    }
}
