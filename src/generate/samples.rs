//! Sample values of every domain and locale, for `synthtune domains`: drawn by
//! [`Domain::generate`] from the tables the generator uses, so the listing cannot drift
//! from what a schema's `x-synth.domain` writes. Each sample is a pure function of
//! (seed, domain, locale, index).

use std::fmt::Write;

use super::domain::{Domain, Locale};
use crate::rng::{hash_str, mix, rng_for, splitmix};

/// Samples per domain and per locale.
pub const SAMPLES: usize = 3;

/// The domain the locale list shows (a name shows the script and the name order).
const LOCALE_DOMAIN: Domain = Domain::Name;

/// Shown values are cut to this many characters (sentences, paragraphs, user agents).
const WIDEST_VALUE: usize = 40;

/// `count` values of `domain` in `locale` under `seed`.
pub fn samples(domain: Domain, locale: Locale, seed: u64, count: usize) -> Vec<String> {
    let key = mix(
        mix(splitmix(seed), hash_str(domain.name())),
        hash_str(locale.name()),
    );
    (0..count as u64)
        .map(|i| {
            let mut value = String::new();
            domain.generate(&mut rng_for(mix(key, i)), locale, &mut value);
            value
        })
        .collect()
}

/// What `synthtune domains` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Every domain in one locale, then every locale (its names).
    All { locale: Locale },
    /// One domain in every locale.
    Domain(Domain),
}

/// The listing as text: one line per domain or locale, its name and [`SAMPLES`] values.
pub fn render(listing: Listing, seed: u64) -> String {
    let mut out = String::new();
    match listing {
        Listing::All { locale } => {
            let _ = writeln!(
                out,
                "domains (x-synth.domain), {SAMPLES} values each in {} (--locale L for another):",
                locale.name()
            );
            rows(
                &mut out,
                Domain::all().iter().map(|d| (d.name(), *d, locale)),
                seed,
            );
            let _ = writeln!(
                out,
                "\nlocales (x-synth.locale), {SAMPLES} {} values each (--domain D for another):",
                LOCALE_DOMAIN.name()
            );
            rows(
                &mut out,
                Locale::all().iter().map(|l| (l.name(), LOCALE_DOMAIN, *l)),
                seed,
            );
        }
        Listing::Domain(domain) => {
            let _ = writeln!(
                out,
                "{} (x-synth.domain) in every locale (x-synth.locale), {SAMPLES} values each:",
                domain.name()
            );
            rows(
                &mut out,
                Locale::all().iter().map(|l| (l.name(), domain, *l)),
                seed,
            );
        }
    }
    out
}

/// One line per `(label, domain, locale)`: the label, then the samples separated by ` · `.
fn rows<'a>(
    out: &mut String,
    rows: impl Iterator<Item = (&'a str, Domain, Locale)> + Clone,
    seed: u64,
) {
    let width = rows
        .clone()
        .map(|(label, ..)| label.len())
        .max()
        .unwrap_or(0);
    for (label, domain, locale) in rows {
        let values: Vec<String> = samples(domain, locale, seed, SAMPLES)
            .iter()
            .map(|v| shown(v))
            .collect();
        let _ = writeln!(out, "  {label:width$}  {}", values.join(" · "));
    }
}

/// `value` on one line, cut to [`WIDEST_VALUE`] characters.
fn shown(value: &str) -> String {
    let flat: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match flat.char_indices().nth(WIDEST_VALUE) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_and_locale_is_listed_with_its_samples() {
        let text = render(Listing::All { locale: Locale::En }, 42);
        assert_eq!(text, render(Listing::All { locale: Locale::En }, 42));
        assert_ne!(text, render(Listing::All { locale: Locale::En }, 43));
        let lines: Vec<&str> = text.lines().collect();
        // A title, the domains, a blank line, a title, the locales.
        assert_eq!(lines.len(), 3 + Domain::all().len() + Locale::all().len());
        for domain in Domain::all() {
            let line = lines
                .iter()
                .find(|l| l.split_whitespace().next() == Some(domain.name()))
                .unwrap_or_else(|| panic!("{} is listed", domain.name()));
            assert_eq!(line.matches(" · ").count(), SAMPLES - 1, "{line}");
        }
        for locale in Locale::all() {
            assert!(
                lines
                    .iter()
                    .any(|l| l.split_whitespace().next() == Some(locale.name())),
                "{} is listed",
                locale.name()
            );
        }
        let cities = render(Listing::Domain(Domain::City), 42);
        assert_eq!(cities.lines().count(), 1 + Locale::all().len());
    }

    #[test]
    fn samples_are_the_generators_values() {
        let values = samples(Domain::Email, Locale::FrFr, 7, SAMPLES);
        assert_eq!(values.len(), SAMPLES);
        assert!(values.iter().all(|v| v.contains('@')), "{values:?}");
        assert_eq!(values, samples(Domain::Email, Locale::FrFr, 7, SAMPLES));
        assert!(shown(&"x".repeat(100)).ends_with('…'));
        assert_eq!(shown("a\nb"), "a b");
    }
}
