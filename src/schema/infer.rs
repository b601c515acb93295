//! Realistic values when the schema is silent: a domain or a date range guessed from a
//! field's name (`first_name` → first names, `birth_date` → adults' birth dates).
//!
//! The guess is a small table, [`RULES`], of field names in word tokens (`firstName`,
//! `first_name` and `FirstName` are all `first name`). It is made only where no knob
//! chooses the values ([`knobs_choose_values`]), only for strings, and only when the
//! guessed values meet the field's constraints (the same fit check as an explicit
//! `domain`); otherwise the constraints' generator stays and `check` says why. `check`
//! lists every guess made (`Severity::Inferred`), with the knob that turns it off:
//! `"x-synth": {"infer": false}` on the field, an object or the root, or `--no-infer`.

use super::compile::Compiler;
use super::facts::{Facts, Types};
use super::knobs::Knobs;
use crate::error::{Problem, Severity};
use crate::generate::distribution::DistributionSpec;
use crate::generate::domain::Domain;
use crate::generate::string::StringGen;
use crate::generate::temporal::{TemporalKind, days_from_civil};

/// What a field's name says its values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guess {
    /// A string domain (`city`, `email`, ...).
    Domain(Domain),
    /// An adult's birth date: ages 18 to 90 on [`REFERENCE_DATE`].
    BirthDate,
    /// A recent timestamp (`created_at`): the default date range, said out loud.
    RecentDate,
}

/// One line of the table: the names (snake_case, compared token by token) that mean
/// `guess`, and whether they also count at the end of a longer name.
struct Rule {
    guess: Guess,
    names: &'static [&'static str],
    at_end: AtEnd,
}

/// Whether a rule's names count at the end of a longer name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtEnd {
    /// `billing_city` is a city.
    Yes,
    /// `file_name` is no person's name, `order_state` no state.
    No,
    /// Only where a sibling with the same words before it is a place (`shipping_state`
    /// beside `shipping_city`, `billing_address` beside `billing_postcode`): the word
    /// alone says too little (`order_state`, `ip_address`), the address around it says
    /// enough.
    BesideAPlace,
}

const fn rule(guess: Guess, at_end: AtEnd, names: &'static [&'static str]) -> Rule {
    Rule {
        guess,
        names,
        at_end,
    }
}

use Guess::{BirthDate, RecentDate};

/// Field names → what they hold. Exact matches win over matches at the end of a longer
/// name, and a longer match at the end over a shorter one (`phone_country_code` is a
/// country code, not a phone).
const RULES: &[Rule] = &[
    rule(
        Guess::Domain(Domain::FirstName),
        AtEnd::Yes,
        &[
            "first_name",
            "firstname",
            "given_name",
            "givenname",
            "forename",
        ],
    ),
    rule(
        Guess::Domain(Domain::LastName),
        AtEnd::Yes,
        &[
            "last_name",
            "lastname",
            "family_name",
            "familyname",
            "surname",
        ],
    ),
    rule(
        Guess::Domain(Domain::Name),
        AtEnd::No,
        &["name", "full_name", "fullname", "person_name"],
    ),
    rule(
        Guess::Domain(Domain::Email),
        AtEnd::Yes,
        &["email", "e_mail", "email_address", "mail_address"],
    ),
    rule(
        Guess::Domain(Domain::Phone),
        AtEnd::Yes,
        &[
            "phone",
            "phone_number",
            "phone_no",
            "telephone",
            "mobile",
            "mobile_number",
            "mobile_phone",
            "cell_phone",
        ],
    ),
    rule(Guess::Domain(Domain::City), AtEnd::Yes, &["city", "town"]),
    rule(
        Guess::Domain(Domain::State),
        AtEnd::BesideAPlace,
        &["state", "province", "region", "state_name"],
    ),
    rule(
        Guess::Domain(Domain::Country),
        AtEnd::Yes,
        &["country", "country_name"],
    ),
    rule(
        Guess::Domain(Domain::CountryCode),
        AtEnd::Yes,
        &["country_code"],
    ),
    rule(
        Guess::Domain(Domain::Postcode),
        AtEnd::Yes,
        &[
            "postcode",
            "post_code",
            "postal_code",
            "postalcode",
            "zip",
            "zip_code",
            "zipcode",
        ],
    ),
    rule(
        Guess::Domain(Domain::StreetAddress),
        AtEnd::BesideAPlace,
        &[
            "street",
            "street_address",
            "address",
            "address_line_1",
            "address1",
            "address_1",
        ],
    ),
    rule(
        Guess::Domain(Domain::Company),
        AtEnd::Yes,
        &[
            "company",
            "company_name",
            "employer",
            "organization",
            "organisation",
        ],
    ),
    rule(
        Guess::Domain(Domain::Url),
        AtEnd::Yes,
        &["url", "website", "web_site", "homepage", "home_page"],
    ),
    rule(
        Guess::Domain(Domain::Username),
        AtEnd::No,
        &["username", "user_name", "login", "handle", "screen_name"],
    ),
    rule(
        Guess::Domain(Domain::JobTitle),
        AtEnd::No,
        &["job_title", "jobtitle", "job"],
    ),
    rule(
        BirthDate,
        AtEnd::Yes,
        &[
            "birth_date",
            "birthdate",
            "date_of_birth",
            "dob",
            "birthday",
        ],
    ),
    rule(
        RecentDate,
        AtEnd::Yes,
        &[
            "created_at",
            "updated_at",
            "created_on",
            "updated_on",
            "modified_at",
            "created",
            "updated",
        ],
    ),
];

/// What `name` (a property name) says its values are, if anything, among siblings whose
/// places are `places` ([`place_prefixes`]).
pub fn guess(name: &str, places: &[String]) -> Option<Guess> {
    best_match(&tokens(name), places).map(|(guess, _)| guess)
}

/// The words before the name of each sibling that is plainly a place (a city, postcode,
/// country or country code: `shipping` of `shipping_city`), which make a `state` or an
/// `address` after the same words a place too ([`AtEnd::BesideAPlace`]).
pub fn place_prefixes<'n>(names: impl Iterator<Item = &'n str>) -> Vec<String> {
    let mut places: Vec<String> = names
        .filter_map(|name| {
            let tokens = tokens(name);
            let (guess, words) = best_match(&tokens, &[])?;
            let place = matches!(
                guess,
                Guess::Domain(
                    Domain::City | Domain::Postcode | Domain::Country | Domain::CountryCode
                )
            );
            (place && words < tokens.len()).then(|| tokens[..tokens.len() - words].join("_"))
        })
        .collect();
    places.sort();
    places.dedup();
    places
}

/// The words of `name` before the ones that say what it holds (`billing` of
/// `billing_city`; empty for `city`, and for a name that says nothing): what groups the
/// fields of one entity (entities.rs). `places` as for [`guess`].
pub fn entity_prefix(name: &str, places: &[String]) -> String {
    let tokens = tokens(name);
    match best_match(&tokens, places) {
        Some((_, words)) => tokens[..tokens.len() - words].join("_"),
        None => String::new(),
    }
}

/// The rule `tokens` match best, with how many of their last words it matched.
fn best_match(tokens: &[String], places: &[String]) -> Option<(Guess, usize)> {
    if tokens.is_empty() {
        return None;
    }
    let beside_a_place = |words: usize| {
        let prefix = tokens[..tokens.len() - words].join("_");
        places.contains(&prefix)
    };
    let matches = |rule_name: &str, at_end: AtEnd| -> Option<(usize, usize)> {
        let words = rule_name.split('_').count();
        if words > tokens.len() {
            return None;
        }
        let hit = (rule_name.split('_').rev())
            .zip(tokens.iter().rev())
            .all(|(w, t)| t == w);
        // The score: exact names first, then the longest tail.
        match (hit, words == tokens.len()) {
            (true, true) => Some((usize::MAX, words)),
            (true, false) if at_end == AtEnd::Yes => Some((words, words)),
            (true, false) if at_end == AtEnd::BesideAPlace && beside_a_place(words) => {
                Some((words, words))
            }
            _ => None,
        }
    };
    RULES
        .iter()
        .flat_map(|r| r.names.iter().map(move |n| (r, n)))
        .filter_map(|(r, n)| matches(n, r.at_end).map(|(score, words)| (score, r.guess, words)))
        .max_by_key(|(score, ..)| *score)
        .map(|(_, guess, words)| (guess, words))
}

/// The lowercase words of a name: split at anything not a letter or digit, at a
/// lowercase-to-uppercase step (`firstName`), before the last capital of a run of
/// capitals (`URLPath` → `url path`), and between letters and digits (`line1`).
fn tokens(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            let (prev, next) = (chars[i - 1], chars.get(i + 1).copied());
            let step = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_alphabetic() != c.is_alphabetic())
                || (prev.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(char::is_lowercase));
            if step {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a knob already says what the values are (or that they must be keys, from a
/// parent table, made from siblings by `derive`, or ordered after a sibling): then
/// nothing is guessed. `length` is among them: it asks for text of that length, which a
/// domain would not honour.
fn knobs_choose_values(k: &Knobs) -> bool {
    k.domain.is_some()
        || k.values.is_some()
        || k.values_from.is_some()
        || k.synthesizer.is_some()
        || k.distribution.is_some()
        || k.sequence.is_some()
        || k.unique.is_some()
        || k.key.is_some()
        || k.references.is_some()
        || k.range_min.is_some()
        || k.range_max.is_some()
        || k.length.is_some()
        || k.derive.is_some()
        || k.order.is_some()
}

/// The property name a node stands for, read from its pointer (`…/properties/city`).
fn property_name(pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    if !(parent == "/properties" || parent.ends_with("/properties")) {
        return None;
    }
    Some(last.replace("~1", "/").replace("~0", "~"))
}

/// The reference date ages are counted on: fixed, never today (a value is a pure
/// function of seed, table, row and field).
pub const REFERENCE_DATE: (i64, i64, i64) = (2026, 1, 1);
/// The youngest and oldest age a guessed birth date gives on [`REFERENCE_DATE`].
pub const ADULT_AGES: (i64, i64) = (18, 90);

/// Shares of the adult population by age band (inclusive ages, percent), roughly the
/// shape of a European or North American census: flat through working age, thinning
/// after 65.
const AGE_BANDS: &[(i64, i64, f64)] = &[
    (18, 24, 12.0),
    (25, 34, 18.0),
    (35, 44, 17.0),
    (45, 54, 16.0),
    (55, 64, 16.0),
    (65, 74, 12.0),
    (75, 84, 6.5),
    (85, 90, 2.5),
];

/// The first day (in days since 1970-01-01) on which someone born then is `age` or
/// younger on [`REFERENCE_DATE`]: the day after their birthday `age + 1` years back.
fn first_birth_day_of_age(age: i64) -> i64 {
    let (year, month, day) = REFERENCE_DATE;
    days_from_civil(year - age - 1, month, day) + 1
}

/// Birth dates of adults for a `date` or `date-time` field: the range (as bounds
/// [`TemporalGen::new`](crate::generate::temporal::TemporalGen::new) reads) and a
/// histogram over it, one bin per age band.
pub fn adult_birth_dates(kind: TemporalKind) -> (String, String, DistributionSpec) {
    let unit = match kind {
        TemporalKind::DateTime => 86_400,
        _ => 1,
    };
    let (youngest, oldest) = ADULT_AGES;
    let lo = first_birth_day_of_age(oldest) * unit;
    // The last day someone `youngest` years old can be born on, to its last second.
    let hi = first_birth_day_of_age(youngest - 1) * unit - 1;
    let bins = AGE_BANDS
        .iter()
        .map(|&(young, old, share)| {
            let from = first_birth_day_of_age(old) * unit;
            let to = first_birth_day_of_age(young - 1) * unit;
            (from as f64, to as f64, share)
        })
        .collect();
    let (mut min, mut max) = (String::new(), String::new());
    kind.push(lo, &mut min);
    kind.push(hi, &mut max);
    (min, max, DistributionSpec::Histogram(bins))
}

/// How a guess is turned off, for `check`'s notes.
const TURN_OFF: &str = "or \"infer\": false to keep the constraints' values";

impl Compiler {
    /// What the field's name says its values are, when inference is on here, no knob
    /// chose the values and the field is a string (nullable or not).
    pub(super) fn guess_from_name(&self, f: &Facts) -> Option<Guess> {
        let on = f
            .knobs
            .infer
            .as_ref()
            .map_or(self.infer_here, |(on, _)| *on);
        if self.no_infer || !on || knobs_choose_values(&f.knobs) {
            return None;
        }
        let types = f.types.as_ref()?.value.0 & !Types::NULL;
        if types != Types::STRING {
            return None;
        }
        guess(&property_name(&f.pointer())?, &self.place_prefixes)
    }

    /// A domain guessed from the field's name in front of `base`, when its values meet
    /// the constraints; `base` otherwise, with a note.
    pub(super) fn with_guessed_domain(
        &mut self,
        f: &Facts,
        base: StringGen,
        min: usize,
        max: Option<usize>,
        check: &mut bool,
    ) -> Result<StringGen, Problem> {
        let Some(Guess::Domain(domain)) = self.guess_from_name(f) else {
            return Ok(base);
        };
        let locale = f.knobs.locale.unwrap_or_default();
        let at = f.pointer();
        let name = domain.name();
        if let Some(why) = self.domain_misfit(f, domain, locale, min, max, check)? {
            self.note(
                Severity::NotInferred,
                at,
                format!("not inferred: domain {name} from the field's name: {why}, so values come from the constraints"),
            );
            return Ok(base);
        }
        self.note(
            Severity::Inferred,
            at,
            format!("domain {name} from the field's name (set \"x-synth\": {{\"domain\": ...}} to choose another, {TURN_OFF})"),
        );
        Ok(StringGen::Domain {
            domain,
            locale,
            min,
            max: max.unwrap_or(usize::MAX),
            fallback: Box::new(base),
            entity: None,
        })
    }

    /// The range and distribution a date or date-time field's name asks for, when the
    /// schema bounds neither (`formatMinimum`/`formatMaximum` bound it: the constraint
    /// wins); noted for `check`.
    pub(super) fn guessed_dates(
        &mut self,
        f: &Facts,
        kind: TemporalKind,
    ) -> Option<(String, String, DistributionSpec)> {
        if kind == TemporalKind::Time {
            return None;
        }
        let guess = self.guess_from_name(f)?;
        let at = f.pointer();
        let bounded = f.format_minimum.is_some() || f.format_maximum.is_some();
        match guess {
            Guess::Domain(_) => None,
            _ if bounded => {
                self.note(
                    Severity::NotInferred,
                    at,
                    "not inferred: dates from the field's name: the schema's formatMinimum/formatMaximum bound the dates",
                );
                None
            }
            Guess::BirthDate => {
                let (year, month, day) = REFERENCE_DATE;
                let (young, old) = ADULT_AGES;
                self.note(
                    Severity::Inferred,
                    at,
                    format!("adult birth dates from the field's name: ages {young} to {old} on {year}-{month:02}-{day:02}, fewest over 75 (set \"x-synth\": {{\"range\": ...}} or {{\"distribution\": ...}} to choose others, or \"infer\": false for the default dates)"),
                );
                Some(adult_birth_dates(kind))
            }
            Guess::RecentDate => {
                let mut range = String::new();
                let (lo, hi) = TemporalKind::Date.default_range();
                TemporalKind::Date.push(lo, &mut range);
                range.push_str(" … ");
                TemporalKind::Date.push(hi, &mut range);
                self.note(
                    Severity::Inferred,
                    at,
                    format!("recent dates from the field's name: the default range, {range} (set \"x-synth\": {{\"range\": ...}} to choose another)"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::temporal::TemporalGen;

    #[test]
    fn field_names_to_guesses() {
        let d = Guess::Domain;
        let table: &[(&str, Option<Guess>)] = &[
            ("first_name", Some(d(Domain::FirstName))),
            ("firstName", Some(d(Domain::FirstName))),
            ("FirstName", Some(d(Domain::FirstName))),
            ("FIRST_NAME", Some(d(Domain::FirstName))),
            ("first-name", Some(d(Domain::FirstName))),
            ("given_name", Some(d(Domain::FirstName))),
            ("customer_first_name", Some(d(Domain::FirstName))),
            ("last_name", Some(d(Domain::LastName))),
            ("surname", Some(d(Domain::LastName))),
            ("name", Some(d(Domain::Name))),
            ("full_name", Some(d(Domain::Name))),
            ("fullName", Some(d(Domain::Name))),
            ("email", Some(d(Domain::Email))),
            ("contact_email", Some(d(Domain::Email))),
            ("emailAddress", Some(d(Domain::Email))),
            ("phone", Some(d(Domain::Phone))),
            ("phone_number", Some(d(Domain::Phone))),
            ("phoneNumber", Some(d(Domain::Phone))),
            ("mobile", Some(d(Domain::Phone))),
            ("home_phone", Some(d(Domain::Phone))),
            ("city", Some(d(Domain::City))),
            ("billing_city", Some(d(Domain::City))),
            ("state", Some(d(Domain::State))),
            ("province", Some(d(Domain::State))),
            ("region", Some(d(Domain::State))),
            ("country", Some(d(Domain::Country))),
            ("country_code", Some(d(Domain::CountryCode))),
            ("countryCode", Some(d(Domain::CountryCode))),
            ("phone_country_code", Some(d(Domain::CountryCode))),
            ("postcode", Some(d(Domain::Postcode))),
            ("zip", Some(d(Domain::Postcode))),
            ("zip_code", Some(d(Domain::Postcode))),
            ("zipCode", Some(d(Domain::Postcode))),
            ("postal_code", Some(d(Domain::Postcode))),
            ("street", Some(d(Domain::StreetAddress))),
            ("street_address", Some(d(Domain::StreetAddress))),
            ("address_line1", Some(d(Domain::StreetAddress))),
            ("addressLine1", Some(d(Domain::StreetAddress))),
            ("company", Some(d(Domain::Company))),
            ("company_name", Some(d(Domain::Company))),
            ("employer", Some(d(Domain::Company))),
            ("url", Some(d(Domain::Url))),
            ("website", Some(d(Domain::Url))),
            ("homepage", Some(d(Domain::Url))),
            ("avatarURL", Some(d(Domain::Url))),
            ("username", Some(d(Domain::Username))),
            ("user_name", Some(d(Domain::Username))),
            ("userName", Some(d(Domain::Username))),
            ("login", Some(d(Domain::Username))),
            ("handle", Some(d(Domain::Username))),
            ("job_title", Some(d(Domain::JobTitle))),
            ("jobTitle", Some(d(Domain::JobTitle))),
            ("birth_date", Some(BirthDate)),
            ("date_of_birth", Some(BirthDate)),
            ("dateOfBirth", Some(BirthDate)),
            ("dob", Some(BirthDate)),
            ("birthday", Some(BirthDate)),
            ("created_at", Some(RecentDate)),
            ("updatedAt", Some(RecentDate)),
            // Names that must not be guessed: words, not substrings.
            ("filename", None),
            ("file_name", None),
            ("product_name", None),
            ("display_name", None),
            ("order_state", None),
            ("aws_region", None),
            ("last_login", None),
            ("velocity", None),
            ("capacity", None),
            ("emails_sent", None),
            ("phonetic", None),
            ("zipper", None),
            ("title", None),
            ("status", None),
            ("", None),
            ("_", None),
        ];
        for (name, expected) in table {
            assert_eq!(guess(name, &[]), *expected, "field name {name:?}");
        }
    }

    /// `state` and `address` at the end of a longer name are a place only where a sibling
    /// with the same words before it is plainly one.
    #[test]
    fn a_state_or_an_address_beside_a_place_is_one() {
        let d = Guess::Domain;
        let siblings = [
            "shipping_city",
            "shipping_state",
            "shipping_street",
            "billingPostcode",
            "billing_address",
            "billing_province",
            "order_state",
            "ip_address",
            "city",
        ];
        let places = place_prefixes(siblings.into_iter());
        assert_eq!(places, ["billing", "shipping"]);
        for (name, expected) in [
            ("shipping_state", Some(d(Domain::State))),
            ("shipping_street", Some(d(Domain::StreetAddress))),
            ("billing_address", Some(d(Domain::StreetAddress))),
            ("billing_province", Some(d(Domain::State))),
            ("order_state", None),
            ("ip_address", None),
            ("email_address", Some(d(Domain::Email))),
        ] {
            assert_eq!(guess(name, &places), expected, "{name}");
        }
        assert_eq!(guess("shipping_state", &[]), None);
        assert_eq!(entity_prefix("shipping_state", &places), "shipping");
        assert_eq!(entity_prefix("shipping_state", &[]), "");
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(tokens("firstName"), ["first", "name"]);
        assert_eq!(tokens("URLPath"), ["url", "path"]);
        assert_eq!(tokens("address_line1"), ["address", "line", "1"]);
        assert_eq!(tokens("Date-of birth"), ["date", "of", "birth"]);
    }

    #[test]
    fn property_names_come_from_pointers() {
        assert_eq!(property_name("/properties/city").as_deref(), Some("city"));
        assert_eq!(
            property_name("/$defs/Address/properties/zip_code").as_deref(),
            Some("zip_code")
        );
        assert_eq!(property_name("/properties/a~1b").as_deref(), Some("a/b"));
        assert_eq!(property_name("/properties/city/anyOf/0"), None);
        assert_eq!(property_name("/$defs/city"), None);
        assert_eq!(property_name(""), None);
    }

    /// Every guessed birth date is an adult's on the reference date, and the bands
    /// hold their shares.
    #[test]
    fn birth_dates_are_adults() {
        for kind in [TemporalKind::Date, TemporalKind::DateTime] {
            let (min, max, spec) = adult_birth_dates(kind);
            let generator = TemporalGen::new(kind, Some(&min), Some(&max), &spec).unwrap();
            let mut over_75 = 0;
            for key in 0..10_000u64 {
                let mut s = String::new();
                generator.generate(&mut crate::rng::rng_for(key), &mut s);
                let age = age_on_reference(&s);
                assert!((18..=90).contains(&age), "{s} is {age} years old");
                over_75 += u32::from(age >= 75);
            }
            // 9 % of adults are 75 or older in the bands.
            assert!(
                (700..1100).contains(&over_75),
                "{over_75} of 10,000 over 75"
            );
        }
        let (min, max, _) = adult_birth_dates(TemporalKind::Date);
        assert_eq!((min.as_str(), max.as_str()), ("1935-01-02", "2008-01-01"));
    }

    fn age_on_reference(value: &str) -> i64 {
        let year: i64 = value[0..4].parse().unwrap();
        let month: i64 = value[5..7].parse().unwrap();
        let day: i64 = value[8..10].parse().unwrap();
        let (ry, rm, rd) = REFERENCE_DATE;
        ry - year - i64::from((month, day) > (rm, rd))
    }
}
