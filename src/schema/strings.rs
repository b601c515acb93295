//! `string`: length bounds, `pattern`, `format`, date/time ranges and the `domain`,
//! `length` and `locale` knobs.

use super::compile::Compiler;
use super::facts::{At, Facts};
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::distribution::DistributionSpec;
use crate::generate::domain::{Domain, Locale};
use crate::generate::format::Format;
use crate::generate::pattern::{PatternError, PatternGen, provably_disjoint};
use crate::generate::string::{StringGen, TextGen};
use crate::generate::temporal::{TemporalGen, TemporalKind};
use crate::rng::{mix, rng_for};

/// Free text is this many characters longer than its minimum at most, fewer if
/// `maxLength` says so, unless a `length` knob asks for more.
const DEFAULT_MAX: usize = 24;
/// And at least this long, where `maxLength` allows.
const DEFAULT_MIN: usize = 3;
/// The longest text a `length` knob may ask for (or `minLength`, if longer), whatever
/// `maxLength` allows: one value stays a few hundred KB.
const KNOB_LENGTH_CAP: usize = 100_000;
/// How many values are tried when two generators compete for one string.
const TRIAL: u64 = 64;

/// How many of [`TRIAL`] values from `generator` the validator accepts.
fn trial(generator: &StringGen, validator: &super::validator::Conjunction) -> u64 {
    (0..TRIAL)
        .filter(|&i| {
            let mut s = String::new();
            generator.write(mix(0x0072_41A1, i), &mut s);
            validator.is_valid(&serde_json::Value::String(s))
        })
        .count() as u64
}

/// How many domain values are tried against the other constraints at compile time.
const DOMAIN_TRIAL: u64 = 200;

impl Compiler {
    pub(super) fn build_string(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
        Ok(Node::String(self.string_gen(f, check)?))
    }

    pub(super) fn string_gen(&mut self, f: &Facts, check: &mut bool) -> Result<StringGen, Problem> {
        let min = f.min_length.as_ref().map_or(0, |m| m.value as usize);
        let max = f.max_length.as_ref().map(|m| m.value as usize);
        if let (Some(lo), Some(hi)) = (&f.min_length, &f.max_length)
            && lo.value > hi.value
        {
            return Err(Problem::new(
                hi.pointer.clone(),
                format!(
                    "minLength {} is greater than maxLength {}",
                    lo.value, hi.value
                ),
            )
            .hint("lower minLength or raise maxLength"));
        }
        refuse_disjoint_patterns(&f.patterns)?;
        let mut formats: Vec<&str> = f.formats.iter().map(|a| a.value.as_str()).collect();
        formats.dedup();
        // Unique strings need a generator that carries a row token (free text, domains,
        // formats): under `unique`, a `not: {pattern}` alone stays checked by trial.
        let avoid_by_construction =
            !(f.avoided_patterns.is_empty() || f.patterns.is_empty() && Self::wants_unique(f));
        let together = if (f.patterns.len() > 1 || avoid_by_construction) && formats.is_empty() {
            self.patterns_together(f, min, max, check)
        } else {
            None
        };
        if formats.len() > 1
            || (!formats.is_empty() && !f.patterns.is_empty())
            || (f.patterns.len() > 1 && together.is_none())
        {
            *check = true;
        }
        let base = match (f.patterns.first(), f.formats.first()) {
            _ if together.is_some() => together.expect("just tested"),
            (Some(pattern), Some(format)) => {
                self.pattern_and_format(f, pattern, format, min, max, check)?
            }
            (Some(pattern), None) => self.pattern_gen(f, pattern, min, max, check)?,
            (None, Some(format)) => {
                self.format_gen(f, &format.value, &format.pointer, min, max, check)?
            }
            (None, None) => self.text(f, min, max)?,
        };
        self.with_domain(f, base, min, max, check)
    }

    fn pattern_gen(
        &mut self,
        f: &Facts,
        pattern: &At<String>,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<StringGen, Problem> {
        match PatternGen::new(&pattern.value, min, max) {
            Ok(p) => {
                self.dialect_notes(&p, &pattern.pointer, check);
                Ok(StringGen::Pattern(p))
            }
            Err(PatternError::Unsupported(why)) => {
                self.note(
                    Severity::Note,
                    pattern.pointer.clone(),
                    format!("pattern feature not generated directly ({why}): values are checked one by one"),
                );
                *check = true;
                self.text(f, min, max)
            }
            Err(e) => Err(Problem::new(pattern.pointer.clone(), e.to_string())),
        }
    }

    /// Several patterns on one string, or patterns its values must not match (`not:
    /// {"pattern": ...}`), generated together from the product of their automata when it
    /// can be built (see [`PatternGen::intersection`]).
    fn patterns_together(
        &mut self,
        f: &Facts,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Option<StringGen> {
        let distinct = |patterns: &[At<String>]| {
            let mut values: Vec<String> = patterns.iter().map(|p| p.value.clone()).collect();
            values.sort_unstable();
            values.dedup();
            values
        };
        let (matched, avoided) = (distinct(&f.patterns), distinct(&f.avoided_patterns));
        let matched_str: Vec<&str> = matched.iter().map(String::as_str).collect();
        let avoided_str: Vec<&str> = avoided.iter().map(String::as_str).collect();
        let generator = PatternGen::intersection(&matched_str, &avoided_str, min, max)?;
        let at = f
            .patterns
            .first()
            .or(f.avoided_patterns.first())
            .map(|p| p.pointer.clone())
            .unwrap_or_default();
        self.dialect_notes(&generator, &at, check);
        self.note(
            Severity::Note,
            at,
            format!(
                "{} patterns to match and {} to avoid (`not`) are generated together, from \
                 the product of their automata: every value meets all of them",
                matched.len(),
                avoided.len()
            ),
        );
        Some(StringGen::Pattern(generator))
    }

    /// What `check` says of a pattern read beyond ECMA-262 or checked by trial. Values
    /// checked by trial are validated as well, as the validators read the pattern.
    fn dialect_notes(&mut self, p: &PatternGen, at: &str, check: &mut bool) {
        if !p.foreign_anchors().is_empty() {
            let anchors = p.foreign_anchors().join(", ");
            let mut message = format!(
                "{anchors} (not ECMA-262) read as Python's re and the jsonschema crate read them: \
                 \\A as the start of the string, \\z and \\Z as its end"
            );
            if p.foreign_anchors().contains(&"\\Z") {
                message.push_str(
                    "; the jsonschema crate refuses \\Z, so --validate cannot check this schema",
                );
            }
            self.note(Severity::Note, at, message);
        }
        if p.by_trial() {
            self.note(
                Severity::Note,
                at,
                "look-arounds or back-references: values are drawn without the look-arounds, \
                 groups copied for back-references, and checked against the whole pattern",
            );
            *check = true;
        }
    }

    /// A pattern and a format on one string: generate from whichever of the two more
    /// often satisfies the other (a format is usually the structure, the pattern a
    /// restriction such as `^https://`), and check every value.
    fn pattern_and_format(
        &mut self,
        f: &Facts,
        pattern: &At<String>,
        format: &At<String>,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<StringGen, Problem> {
        *check = true;
        let validator = self.validator(&f.locs)?;
        let by_format = self.format_gen(f, &format.value, &format.pointer, min, max, check)?;
        let by_pattern = self.pattern_gen(f, pattern, min, max, check)?;
        let format_hits = trial(&by_format, &validator);
        if format_hits > 0 {
            // Format values read as real ones; a few hits is enough for the retries.
            return Ok(by_format);
        }
        if trial(&by_pattern, &validator) > 0 {
            return Ok(by_pattern);
        }
        // An unanchored pattern such as `@acme\.com$` needs text around its match
        // (`k3j9x@acme.com`): ask for longer strings.
        if let StringGen::Pattern(p) = &by_pattern {
            let longer = (p.length_range().0 + 8)
                .max(min)
                .min(max.unwrap_or(usize::MAX));
            if let Ok(padded) = PatternGen::new(&pattern.value, longer, max) {
                let padded = StringGen::Pattern(padded);
                if trial(&padded, &validator) > 0 {
                    return Ok(padded);
                }
            }
        }
        Err(Problem::new(
            pattern.pointer.clone(),
            format!(
                "no value satisfied both this pattern and format {:?} in {TRIAL} tries",
                format.value
            ),
        )
        .hint("check that the pattern can match a value of the format"))
    }

    fn format_gen(
        &mut self,
        f: &Facts,
        name: &str,
        at: &str,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<StringGen, Problem> {
        let Some(format) = Format::parse(name) else {
            self.note(
                Severity::Ignored,
                at,
                format!("unknown format {name:?}: values are plain text"),
            );
            return self.text(f, min, max);
        };
        let generator = if format.is_temporal() {
            let kind = match name {
                "date" => TemporalKind::Date,
                "time" => TemporalKind::Time,
                _ => TemporalKind::DateTime,
            };
            let guessed = self.guessed_dates(f, kind);
            let (guessed_min, guessed_max, guessed_spec) = match &guessed {
                Some((lo, hi, spec)) => (Some(lo.as_str()), Some(hi.as_str()), Some(spec)),
                None => (None, None, None),
            };
            let range_min = (f.knobs.range_min.as_deref())
                .or(f.format_minimum.as_deref())
                .or(guessed_min);
            let range_max = (f.knobs.range_max.as_deref())
                .or(f.format_maximum.as_deref())
                .or(guessed_max);
            let uniform = DistributionSpec::Uniform;
            let (spec, spec_at) = f.knobs.distribution.as_ref().map_or_else(
                || (guessed_spec.unwrap_or(&uniform), at.to_owned()),
                |(s, a)| (s, a.clone()),
            );
            StringGen::Temporal(
                TemporalGen::new(kind, range_min, range_max, spec)
                    .map_err(|e| Problem::invalid(spec_at, e))?,
            )
        } else {
            StringGen::Format(format)
        };
        let (lo, hi) = format.length_range();
        let fits =
            lo >= min && hi.zip(max).is_none_or(|(h, m)| h <= m) && (hi.is_some() || max.is_none());
        let overlaps = max.is_none_or(|m| lo <= m) && hi.is_none_or(|h| h >= min);
        if !overlaps {
            // Formats no validator checks (password, binary, ...) accept any text of the
            // right length: use text then, rather than refusing.
            let text = self.text(f, min, max)?;
            let validator = self.validator(&f.locs)?;
            if trial(&text, &validator) == TRIAL {
                self.note(Severity::Note, at, format!("format {name} values cannot meet the length bounds; any text is valid for it, so text is generated"));
                return Ok(text);
            }
            return Err(Problem::new(
                at,
                format!(
                    "format {name} values have {lo} to {} characters, outside the length bounds",
                    hi.map_or("any".into(), |h| h.to_string())
                ),
            )
            .hint("widen minLength/maxLength or drop the format"));
        }
        if !fits {
            *check = true;
        }
        Ok(generator)
    }

    /// Free text within the bounds: a few words, however far `maxLength` allows (a
    /// bound, not a size, as for arrays), or the `length` knob's law over the bounds.
    fn text(&mut self, f: &Facts, min: usize, max: Option<usize>) -> Result<StringGen, Problem> {
        let usual = min.max(DEFAULT_MIN) + DEFAULT_MAX;
        if let Some((spec, at)) = &f.knobs.length {
            let hi = max.unwrap_or(usual).min(KNOB_LENGTH_CAP.max(min));
            let length = spec
                .bind_int(min as i64, hi as i64)
                .map_err(|e| Problem::invalid(at.clone(), e))?;
            return Ok(StringGen::Text(TextGen::new(min, hi, Some(length))));
        }
        let hi = max.map_or(usual, |max| max.min(usual));
        let lo = min.max(DEFAULT_MIN.min(hi));
        Ok(StringGen::Text(TextGen::new(lo, hi, None)))
    }

    /// Puts a `domain` knob in front of `base`, when its values can meet the constraints.
    fn with_domain(
        &mut self,
        f: &Facts,
        base: StringGen,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<StringGen, Problem> {
        let Some((name, at)) = &f.knobs.domain else {
            return self.with_guessed_domain(f, base, min, max, check);
        };
        let Some(domain) = Domain::parse(name) else {
            return Err(
                Problem::invalid(at.clone(), format!("unknown domain {name:?}"))
                    .hint("see the README for the list of domains"),
            );
        };
        let locale = f.knobs.locale.unwrap_or_default();
        if let Some(why) = self.domain_misfit(f, domain, locale, min, max, check)? {
            self.note(
                Severity::Note,
                at.clone(),
                format!("domain {name} {why}: values come from the constraints instead"),
            );
            return Ok(base);
        }
        let candidate = StringGen::Domain {
            domain,
            locale,
            min,
            max: max.unwrap_or(usize::MAX),
            fallback: Box::new(base),
            entity: None,
        };
        Ok(candidate)
    }

    /// Why `domain`'s values cannot meet the field's constraints (`None`: they can).
    /// Tries the domain against every constraint here: kept only if it mostly fits,
    /// and then `check` is set unless its values are valid by construction.
    pub(super) fn domain_misfit(
        &mut self,
        f: &Facts,
        domain: Domain,
        locale: Locale,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<Option<String>, Problem> {
        let (shortest, longest) = domain.length_range(locale);
        if max.is_some_and(|m| shortest > m) || longest < min {
            return Ok(Some(format!(
                "values ({shortest} to {longest} characters) cannot meet the length bounds"
            )));
        }
        let constrained = !f.patterns.is_empty() || !f.formats.is_empty() || *check;
        if constrained {
            let validator = self.validator(&f.locs)?;
            let mut fits = 0;
            for i in 0..DOMAIN_TRIAL {
                let mut s = String::new();
                domain.generate(&mut rng_for(mix(0xD0_4A1, i)), locale, &mut s);
                fits += u64::from(validator.is_valid(&serde_json::Value::String(s)));
            }
            if fits * 10 < DOMAIN_TRIAL * 9 {
                return Ok(Some(format!(
                    "meets this field's pattern/format only {fits} times in {DOMAIN_TRIAL}"
                )));
            }
            // A domain built for the field's format (an email domain on `format: email`)
            // is valid by construction, as the domain module's tests assert; anything
            // else is checked value by value.
            let guaranteed = f.patterns.is_empty()
                && f.formats
                    .iter()
                    .all(|fmt| domain_meets_format(domain, &fmt.value));
            if !guaranteed || fits < DOMAIN_TRIAL {
                *check = true;
            }
        }
        Ok(None)
    }
}

/// Two patterns on one string that no string can both match (decided on their automata):
/// refused at the second, naming the first. Pairs the automata cannot decide are left to
/// the checked generator.
fn refuse_disjoint_patterns(patterns: &[At<String>]) -> Result<(), Problem> {
    for (i, second) in patterns.iter().enumerate() {
        for first in &patterns[..i] {
            if first.value != second.value && provably_disjoint(&first.value, &second.value) {
                return Err(Problem::new(
                    second.pointer.clone(),
                    format!(
                        "pattern {} can never match a string that pattern {} (at {}) matches",
                        second.value,
                        first.value,
                        if first.pointer.is_empty() {
                            "(root)"
                        } else {
                            &first.pointer
                        }
                    ),
                )
                .hint("no value meets both: drop or widen one of the two patterns"));
            }
        }
    }
    Ok(())
}

/// Whether every value of `domain` is, by construction, valid for `format`.
fn domain_meets_format(domain: Domain, format: &str) -> bool {
    matches!(
        (domain, format),
        (Domain::Email, "email" | "idn-email")
            | (
                Domain::Url,
                "uri" | "iri" | "uri-reference" | "iri-reference"
            )
            | (Domain::Ipv4, "ipv4" | "ipvanyaddress")
            | (Domain::DomainName, "hostname" | "idn-hostname")
    )
}
