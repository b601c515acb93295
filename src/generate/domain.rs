//! Realistic values for the `domain` knob (names, emails, addresses, ...), per locale.
//!
//! The word lists are the `fake` crate's locale tables (`fake::locales::Data`), read once
//! into [`LocaleTables`]; values are composed straight into the caller's `String`, so a value
//! costs a few random picks and copies and no allocation (going through `fake`'s own API
//! allocates one or more `String`s per value). All randomness comes from the caller's RNG.
//!
//! `fake`'s locales are uneven: some have names only. [`Style`] says, per locale, where the
//! missing parts come from (so a Japanese dataset gets English street names rather than
//! Japanese names glued to "Avenue"), how a street address is laid out, and a few phone
//! and postcode formats `fake` lacks. Emails, usernames and URLs are built from names
//! folded to ASCII; locales whose names are not in Latin script borrow English names there.

use std::sync::LazyLock;

use fake::locales::{
    AR_SA, CY_GB, DE_DE, Data, EN, FA_IR, FR_FR, IT_IT, JA_JP, NL_NL, PT_BR, PT_PT, TR_TR, ZH_CN,
    ZH_TW,
};
use rand::RngExt;

use crate::rng::SynthRng;

mod entity;
pub mod places;

pub use entity::{EntityKind, EntityRole};

/// The language and country whose word lists a domain draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    FrFr,
    DeDe,
    ItIt,
    NlNl,
    PtBr,
    PtPt,
    JaJp,
    ZhCn,
    ZhTw,
    ArSa,
    FaIr,
    TrTr,
    CyGb,
}

impl Locale {
    const ALL: [Locale; 14] = [
        Locale::En,
        Locale::FrFr,
        Locale::DeDe,
        Locale::ItIt,
        Locale::NlNl,
        Locale::PtBr,
        Locale::PtPt,
        Locale::JaJp,
        Locale::ZhCn,
        Locale::ZhTw,
        Locale::ArSa,
        Locale::FaIr,
        Locale::TrTr,
        Locale::CyGb,
    ];

    pub fn all() -> &'static [Locale] {
        &Self::ALL
    }

    /// The canonical spelling, such as `fr_FR`.
    pub fn name(&self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::FrFr => "fr_FR",
            Locale::DeDe => "de_DE",
            Locale::ItIt => "it_IT",
            Locale::NlNl => "nl_NL",
            Locale::PtBr => "pt_BR",
            Locale::PtPt => "pt_PT",
            Locale::JaJp => "ja_JP",
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
            Locale::ArSa => "ar_SA",
            Locale::FaIr => "fa_IR",
            Locale::TrTr => "tr_TR",
            Locale::CyGb => "cy_GB",
        }
    }

    /// Accepts `fr_FR`, `fr-fr`, `FR_fr`, and a bare language where only one locale has it
    /// (`fr`, `de`, `ja`, ...). `en_US` and `en_GB` mean English.
    pub fn parse(name: &str) -> Option<Locale> {
        let wanted = name.trim().replace('-', "_").to_ascii_lowercase();
        if let Some(locale) = Self::ALL
            .iter()
            .find(|l| l.name().eq_ignore_ascii_case(&wanted))
        {
            return Some(*locale);
        }
        match wanted.as_str() {
            "en_us" | "en_gb" | "english" => Some(Locale::En),
            "fr" => Some(Locale::FrFr),
            "de" => Some(Locale::DeDe),
            "it" => Some(Locale::ItIt),
            "nl" => Some(Locale::NlNl),
            "ja" => Some(Locale::JaJp),
            "ar" => Some(Locale::ArSa),
            "fa" => Some(Locale::FaIr),
            "tr" => Some(Locale::TrTr),
            "cy" => Some(Locale::CyGb),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A kind of realistic string value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    FirstName,
    LastName,
    /// A full name, in the locale's order.
    Name,
    Email,
    Phone,
    Company,
    /// House number and street, laid out as the locale does.
    StreetAddress,
    /// A street without the house number.
    StreetName,
    City,
    State,
    StateAbbr,
    Country,
    CountryCode,
    Postcode,
    Url,
    /// A host name such as `lopez-smith.com`.
    DomainName,
    Username,
    Word,
    Sentence,
    Paragraph,
    JobTitle,
    /// Decimal degrees in [-90, 90] with 4 to 6 decimals, as a string.
    Latitude,
    /// Decimal degrees in [-180, 180] with 4 to 6 decimals, as a string.
    Longitude,
    Ipv4,
    UserAgent,
    CurrencyCode,
    /// A hex colour such as `#1f8a3c`.
    Color,
    /// An IANA zone name such as `Europe/Paris`.
    TimeZone,
}

impl Domain {
    const ALL: [Domain; 28] = [
        Domain::FirstName,
        Domain::LastName,
        Domain::Name,
        Domain::Email,
        Domain::Phone,
        Domain::Company,
        Domain::StreetAddress,
        Domain::StreetName,
        Domain::City,
        Domain::State,
        Domain::StateAbbr,
        Domain::Country,
        Domain::CountryCode,
        Domain::Postcode,
        Domain::Url,
        Domain::DomainName,
        Domain::Username,
        Domain::Word,
        Domain::Sentence,
        Domain::Paragraph,
        Domain::JobTitle,
        Domain::Latitude,
        Domain::Longitude,
        Domain::Ipv4,
        Domain::UserAgent,
        Domain::CurrencyCode,
        Domain::Color,
        Domain::TimeZone,
    ];

    /// Other spellings accepted by [`Domain::parse`], compared after removing `_`, `-`,
    /// spaces and dots. DataSynthTool's only domain is `name`, which is canonical here.
    const ALIASES: &'static [(&'static str, Domain)] = &[
        ("firstname", Domain::FirstName),
        ("givenname", Domain::FirstName),
        ("forename", Domain::FirstName),
        ("surname", Domain::LastName),
        ("familyname", Domain::LastName),
        ("fullname", Domain::Name),
        ("personname", Domain::Name),
        ("emailaddress", Domain::Email),
        ("mail", Domain::Email),
        ("phonenumber", Domain::Phone),
        ("telephone", Domain::Phone),
        ("tel", Domain::Phone),
        ("companyname", Domain::Company),
        ("organization", Domain::Company),
        ("organisation", Domain::Company),
        ("address", Domain::StreetAddress),
        ("street", Domain::StreetName),
        ("town", Domain::City),
        ("province", Domain::State),
        ("region", Domain::State),
        ("countryname", Domain::Country),
        ("zip", Domain::Postcode),
        ("zipcode", Domain::Postcode),
        ("postalcode", Domain::Postcode),
        ("uri", Domain::Url),
        ("website", Domain::Url),
        ("homepage", Domain::Url),
        ("hostname", Domain::DomainName),
        ("domain", Domain::DomainName),
        ("login", Domain::Username),
        ("text", Domain::Paragraph),
        ("job", Domain::JobTitle),
        ("lat", Domain::Latitude),
        ("lng", Domain::Longitude),
        ("lon", Domain::Longitude),
        ("long", Domain::Longitude),
        ("ip", Domain::Ipv4),
        ("ipaddress", Domain::Ipv4),
        ("currency", Domain::CurrencyCode),
        ("colour", Domain::Color),
        ("hexcolor", Domain::Color),
        ("tz", Domain::TimeZone),
    ];

    pub fn all() -> &'static [Domain] {
        &Self::ALL
    }

    /// The canonical snake_case name used in schemas.
    pub fn name(&self) -> &'static str {
        match self {
            Domain::FirstName => "first_name",
            Domain::LastName => "last_name",
            Domain::Name => "name",
            Domain::Email => "email",
            Domain::Phone => "phone",
            Domain::Company => "company",
            Domain::StreetAddress => "street_address",
            Domain::StreetName => "street_name",
            Domain::City => "city",
            Domain::State => "state",
            Domain::StateAbbr => "state_abbr",
            Domain::Country => "country",
            Domain::CountryCode => "country_code",
            Domain::Postcode => "postcode",
            Domain::Url => "url",
            Domain::DomainName => "domain_name",
            Domain::Username => "username",
            Domain::Word => "word",
            Domain::Sentence => "sentence",
            Domain::Paragraph => "paragraph",
            Domain::JobTitle => "job_title",
            Domain::Latitude => "latitude",
            Domain::Longitude => "longitude",
            Domain::Ipv4 => "ipv4",
            Domain::UserAgent => "user_agent",
            Domain::CurrencyCode => "currency_code",
            Domain::Color => "color",
            Domain::TimeZone => "time_zone",
        }
    }

    /// Case-insensitive; `_`, `-`, spaces and dots are ignored, so `firstName`,
    /// `first-name` and `FIRST_NAME` all mean [`Domain::FirstName`]. Accepts the aliases
    /// in [`Domain::ALIASES`].
    pub fn parse(name: &str) -> Option<Domain> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = squash(name);
        Self::ALL
            .iter()
            .copied()
            .find(|d| squash(d.name()) == wanted)
            .or_else(|| {
                Self::ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == wanted)
                    .map(|(_, d)| *d)
            })
    }

    /// Appends one value to `out`.
    pub fn generate(&self, rng: &mut SynthRng, locale: Locale, out: &mut String) {
        let own = tables(locale);
        let places = tables(own.style.places);
        let business = tables(own.style.business);
        match self {
            Domain::FirstName => out.push_str(pick(rng, &own.first_names)),
            Domain::LastName => out.push_str(pick(rng, &own.last_names)),
            Domain::Name => own.name.render(rng, out, own, fill_person),
            Domain::Email => email(rng, own, out),
            Domain::Phone => numerify(rng, &own.phone_formats, out),
            Domain::Company => {
                let template = choose(rng, &business.company_templates);
                template.render(rng, out, business, fill_company);
            }
            Domain::StreetAddress => street_address(rng, own, places, out),
            Domain::StreetName => places.street.render(rng, out, places, fill_street),
            Domain::City => out.push_str(pick(rng, &places::of(locale).cities)),
            Domain::State => out.push_str(pick(rng, &places::of(locale).regions)),
            Domain::StateAbbr => out.push_str(pick(rng, state_abbrs(locale, own))),
            Domain::Country => out.push_str(pick(rng, &own.countries)),
            Domain::CountryCode => out.push_str(pick(rng, &own.country_codes)),
            Domain::Postcode => numerify(rng, &own.postcode_formats, out),
            Domain::Url => url(rng, own, out),
            Domain::DomainName => host(rng, own, out),
            Domain::Username => handle(rng, own, out),
            Domain::Word => out.push_str(pick(rng, &own.words)),
            Domain::Sentence => sentence(rng, own, out),
            Domain::Paragraph => paragraph(rng, own, out),
            Domain::JobTitle => business.job_title.render(rng, out, business, fill_job),
            Domain::Latitude => coordinate(rng, 90, out),
            Domain::Longitude => coordinate(rng, 180, out),
            Domain::Ipv4 => ipv4(rng, out),
            Domain::UserAgent => out.push_str(pick(rng, &own.user_agents)),
            Domain::CurrencyCode => out.push_str(pick(rng, &own.currency_codes)),
            Domain::Color => color(rng, out),
            Domain::TimeZone => out.push_str(pick(rng, &own.time_zones)),
        }
    }

    /// The shortest and longest value this domain can produce for `locale`, in code
    /// points: every generated value lies within it (for composed values the longest is
    /// an upper bound that may be rare). Meant for plan compilation, not per value.
    pub fn length_range(&self, locale: Locale) -> (usize, usize) {
        let own = tables(locale);
        let places = tables(own.style.places);
        let business = tables(own.style.business);
        let span = match self {
            Domain::FirstName => Span::of(&own.first_names),
            Domain::LastName => Span::of(&own.last_names),
            Domain::Name => own.name.span(|slot| person_span(own, slot)),
            Domain::Email => email_span(own),
            Domain::Phone => Span::of(&own.phone_formats),
            Domain::Company => business
                .company_templates
                .iter()
                .map(|t| t.span(|slot| company_span(business, slot)))
                .reduce(Span::either)
                .unwrap_or(Span::EMPTY),
            Domain::StreetAddress => street_address_span(own, places),
            Domain::StreetName => places.street.span(|slot| street_span(places, slot)),
            Domain::City => Span::of(&places::of(locale).cities),
            Domain::State => Span::of(&places::of(locale).regions),
            Domain::StateAbbr => Span::of(state_abbrs(locale, own)),
            Domain::Country => Span::of(&own.countries),
            Domain::CountryCode => Span::of(&own.country_codes),
            Domain::Postcode => Span::of(&own.postcode_formats),
            Domain::Url => url_span(own),
            Domain::DomainName => host_span(own),
            Domain::Username => handle_span(own),
            Domain::Word => Span::of(&own.words),
            Domain::Sentence => sentence_span(own),
            Domain::Paragraph => paragraph_span(own),
            Domain::JobTitle => business.job_title.span(|slot| job_span(business, slot)),
            // "0.0000" .. "-90.000000" and "-180.000000".
            Domain::Latitude => Span::new(6, 10),
            Domain::Longitude => Span::new(6, 11),
            Domain::Ipv4 => Span::new(7, 15),
            Domain::UserAgent => Span::of(&own.user_agents),
            Domain::CurrencyCode => Span::of(&own.currency_codes),
            Domain::Color => Span::new(7, 7),
            Domain::TimeZone => Span::of(&own.time_zones),
        };
        (span.min, span.max)
    }
}

// ---------------------------------------------------------------------------------------
// Per-locale style: what `fake` lacks or gets wrong for a locale.

/// Where a street address puts the house number.
#[derive(Debug, Clone, Copy)]
enum HouseNumber {
    /// `12 Main Street`, `12 Rue Martin`
    Before,
    /// `Müllerstraße 12`
    After,
    /// `Via Rossi, 12`
    AfterComma,
    /// `建国路12号`
    ChineseHao,
}

#[derive(Debug)]
struct Style {
    /// Whose streets to use: locales with names only borrow them whole rather than mix
    /// their script with English street suffixes. (Cities and regions are every
    /// locale's own real ones: places.rs.)
    places: Locale,
    /// Whose company names and job titles to use.
    business: Locale,
    house_number: HouseNumber,
    /// Street name and suffix form one word (`Müller` + `straße`); `fake` puts a space.
    compound_street: bool,
    /// Formats `fake` lacks for this locale (`#` digit, `^` non-zero digit, `$` letter).
    phone_formats: Option<&'static [&'static str]>,
    postcode_formats: Option<&'static [&'static str]>,
    /// Lorem words joined without spaces, sentences ended with `。` (Chinese).
    cjk_text: bool,
}

impl Style {
    const fn new(places: Locale, house_number: HouseNumber) -> Style {
        Style {
            places,
            business: places,
            house_number,
            compound_street: false,
            phone_formats: None,
            postcode_formats: None,
            cjk_text: false,
        }
    }

    fn of(locale: Locale) -> Style {
        use HouseNumber::*;
        match locale {
            Locale::En => Style::new(Locale::En, Before),
            Locale::FrFr => Style {
                ..Style::new(Locale::FrFr, Before)
            },
            Locale::DeDe => Style {
                compound_street: true,
                phone_formats: Some(&[
                    "+49 30 #######",
                    "+49 40 #######",
                    "+49 89 #######",
                    "+49 15# ########",
                    "+49 17# ########",
                    "0^## #######",
                ]),
                // fake's de_DE sets zip formats only; its postcodes would be American.
                postcode_formats: Some(&["#####"]),
                ..Style::new(Locale::DeDe, After)
            },
            Locale::ItIt => Style::new(Locale::ItIt, AfterComma),
            Locale::NlNl => Style {
                compound_street: true,
                ..Style::new(Locale::NlNl, After)
            },
            Locale::PtBr => Style {
                ..Style::new(Locale::PtBr, AfterComma)
            },
            Locale::PtPt => Style::new(Locale::PtPt, AfterComma),
            Locale::JaJp => Style {
                business: Locale::JaJp,
                postcode_formats: Some(&["###-####"]),
                ..Style::new(Locale::En, Before)
            },
            Locale::ZhCn => Style {
                phone_formats: Some(&["13# #### ####", "15# #### ####", "18# #### ####"]),
                cjk_text: true,
                ..Style::new(Locale::ZhCn, ChineseHao)
            },
            Locale::ZhTw => Style {
                phone_formats: Some(&["09##-###-###", "02-####-####"]),
                postcode_formats: Some(&["#####"]),
                ..Style::new(Locale::ZhCn, ChineseHao)
            },
            Locale::ArSa => Style {
                phone_formats: Some(&["05# ### ####", "+966 5# ### ####", "011 ### ####"]),
                postcode_formats: Some(&["#####"]),
                ..Style::new(Locale::En, Before)
            },
            Locale::FaIr => Style {
                ..Style::new(Locale::FaIr, After)
            },
            Locale::TrTr => Style::new(Locale::TrTr, After),
            Locale::CyGb => Style {
                postcode_formats: Some(&[
                    "CF## #$$", "SA## #$$", "LL## #$$", "NP## #$$", "LD# #$$",
                ]),
                ..Style::new(Locale::CyGb, Before)
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// The tables, read once from `fake`.

/// Every locale's tables, indexed by [`Locale::index`]; each built on first use, so a
/// run that draws English values reads no other locale's lists.
static TABLES: [LazyLock<LocaleTables>; 14] = [
    LazyLock::new(|| LocaleTables::read::<EN>(Locale::En)),
    LazyLock::new(|| LocaleTables::read::<FR_FR>(Locale::FrFr)),
    LazyLock::new(|| LocaleTables::read::<DE_DE>(Locale::DeDe)),
    LazyLock::new(|| LocaleTables::read::<IT_IT>(Locale::ItIt)),
    LazyLock::new(|| LocaleTables::read::<NL_NL>(Locale::NlNl)),
    LazyLock::new(|| LocaleTables::read::<PT_BR>(Locale::PtBr)),
    LazyLock::new(|| LocaleTables::read::<PT_PT>(Locale::PtPt)),
    LazyLock::new(|| LocaleTables::read::<JA_JP>(Locale::JaJp)),
    LazyLock::new(|| LocaleTables::read::<ZH_CN>(Locale::ZhCn)),
    LazyLock::new(|| LocaleTables::read::<ZH_TW>(Locale::ZhTw)),
    LazyLock::new(|| LocaleTables::read::<AR_SA>(Locale::ArSa)),
    LazyLock::new(|| LocaleTables::read::<FA_IR>(Locale::FaIr)),
    LazyLock::new(|| LocaleTables::read::<TR_TR>(Locale::TrTr)),
    LazyLock::new(|| LocaleTables::read::<CY_GB>(Locale::CyGb)),
];

/// The tables of `locale`.
fn tables(locale: Locale) -> &'static LocaleTables {
    &TABLES[locale.index()]
}

/// One locale's word lists, cleaned (no control characters, no empty entries) and never
/// empty: a list the locale lacks or that cleans to nothing is English's.
struct LocaleTables {
    style: Style,
    first_names: Vec<&'static str>,
    last_names: Vec<&'static str>,
    name: Template,
    /// Lowercase ASCII-folded names for emails, usernames and hosts.
    ascii_first_names: Vec<Box<str>>,
    ascii_last_names: Vec<Box<str>>,
    /// The folded spelling of each of `first_names` and `last_names`, index for index
    /// (all `None` in a locale whose names are in another script): what an email made
    /// from a row's own names is spelt with (entity.rs).
    first_names_folded: Vec<Option<Box<str>>>,
    last_names_folded: Vec<Option<Box<str>>>,
    email_providers: Vec<&'static str>,
    domain_suffixes: Vec<&'static str>,
    url_paths: Vec<&'static str>,
    phone_formats: Vec<&'static str>,
    company_templates: Vec<Template>,
    company_suffixes: Vec<&'static str>,
    street: Template,
    street_suffixes: Vec<&'static str>,
    state_abbrs: Vec<&'static str>,
    countries: Vec<&'static str>,
    country_codes: Vec<&'static str>,
    postcode_formats: Vec<&'static str>,
    job_title: Template,
    job_seniorities: Vec<&'static str>,
    job_fields: Vec<&'static str>,
    job_positions: Vec<&'static str>,
    words: Vec<&'static str>,
    user_agents: Vec<&'static str>,
    currency_codes: Vec<&'static str>,
    time_zones: Vec<&'static str>,
}

impl LocaleTables {
    fn read<L: Data>(locale: Locale) -> LocaleTables {
        let style = Style::of(locale);
        // fake's nl_NL lists "Floris," among its first names.
        let names = |list, fallback| -> Vec<&'static str> {
            clean(list, fallback)
                .into_iter()
                .map(|n| n.trim_end_matches(',').trim_end())
                .filter(|n| !n.is_empty())
                .collect()
        };
        let first_names = names(L::NAME_FIRST_NAME, EN::NAME_FIRST_NAME);
        let last_names = names(L::NAME_LAST_NAME, EN::NAME_LAST_NAME);
        let latin = fold_all(&first_names).zip(fold_all(&last_names));
        let folded_each = |names: &[&str]| -> Vec<Option<Box<str>>> {
            names
                .iter()
                .map(|n| fold_to_ascii(n).filter(|_| latin.is_some()))
                .collect()
        };
        let (first_names_folded, last_names_folded) =
            (folded_each(&first_names), folded_each(&last_names));
        let (ascii_first_names, ascii_last_names) = latin.unwrap_or_else(|| {
            (
                fold_all(&clean(EN::NAME_FIRST_NAME, &[])).unwrap_or_default(),
                fold_all(&clean(EN::NAME_LAST_NAME, &[])).unwrap_or_default(),
            )
        });
        let ascii_only = |list: &'static [&'static str]| -> Vec<&'static str> {
            list.iter()
                .map(|s| s.trim())
                .filter(|s| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
                })
                .collect()
        };
        let mut email_providers = ascii_only(L::INTERNET_FREE_EMAIL_PROVIDER);
        if email_providers.is_empty() {
            email_providers = ascii_only(EN::INTERNET_FREE_EMAIL_PROVIDER);
        }
        let mut domain_suffixes = ascii_only(L::INTERNET_DOMAIN_SUFFIX);
        if domain_suffixes.is_empty() {
            domain_suffixes = ascii_only(EN::INTERNET_DOMAIN_SUFFIX);
        }
        let mut phone_formats = clean(L::PHONE_NUMBER_FORMATS, EN::PHONE_NUMBER_FORMATS);
        phone_formats.extend(clean(L::PHONE_CELL_NUMBER_FORMATS, &[]));
        let street = if style.compound_street {
            "{StreetName}{StreetSuffix}"
        } else {
            L::ADDRESS_STREET_TPL
        };
        LocaleTables {
            first_names,
            last_names,
            name: Template::compile(L::NAME_TPL),
            ascii_first_names,
            ascii_last_names,
            first_names_folded,
            last_names_folded,
            email_providers,
            domain_suffixes,
            url_paths: clean(L::PATH_SEGMENTS, EN::PATH_SEGMENTS),
            phone_formats: style.phone_formats.map_or(phone_formats, |f| f.to_vec()),
            company_templates: clean(L::COMPANY_NAME_TPLS, EN::COMPANY_NAME_TPLS)
                .into_iter()
                .map(Template::compile)
                .collect(),
            company_suffixes: clean(L::COMPANY_SUFFIX, EN::COMPANY_SUFFIX),
            street: Template::compile(street),
            street_suffixes: clean(L::ADDRESS_STREET_SUFFIX, EN::ADDRESS_STREET_SUFFIX),
            state_abbrs: clean(L::ADDRESS_STATE_ABBR, EN::ADDRESS_STATE_ABBR),
            // de_DE lists only Germany itself.
            countries: Some(clean(L::ADDRESS_COUNTRY, EN::ADDRESS_COUNTRY))
                .filter(|list| list.len() >= 20)
                .unwrap_or_else(|| clean(EN::ADDRESS_COUNTRY, &[])),
            country_codes: clean(L::ADDRESS_COUNTRY_CODE, EN::ADDRESS_COUNTRY_CODE),
            postcode_formats: style.postcode_formats.map_or_else(
                || clean(L::ADDRESS_POSTCODE_FORMATS, EN::ADDRESS_POSTCODE_FORMATS),
                <[_]>::to_vec,
            ),
            job_title: Template::compile(L::JOB_TITLE_TPL),
            job_seniorities: clean(L::JOB_SENIORITY, EN::JOB_SENIORITY),
            job_fields: clean(L::JOB_FIELD, EN::JOB_FIELD),
            job_positions: clean(L::JOB_POSITION, EN::JOB_POSITION),
            words: clean(L::LOREM_WORD, EN::LOREM_WORD),
            user_agents: clean(L::INTERNET_USER_AGENT, EN::INTERNET_USER_AGENT),
            currency_codes: clean(L::CURRENCY_CODE, EN::CURRENCY_CODE),
            time_zones: clean(L::ADDRESS_TIME_ZONE, EN::ADDRESS_TIME_ZONE),
            style,
        }
    }
}

/// The entries of `list`, trimmed, without empty ones or ones holding control characters;
/// `fallback`'s the same way if nothing is left. A double quote or backslash becomes an
/// apostrophe (fake's pt_BR names hold `D"ávila` for D'Ávila), so that no domain value
/// ever needs escaping in JSON.
fn clean(list: &'static [&'static str], fallback: &'static [&'static str]) -> Vec<&'static str> {
    let keep = |list: &'static [&'static str]| -> Vec<&'static str> {
        list.iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty() && !s.chars().any(char::is_control))
            .map(|s| {
                if s.contains(['"', '\\']) {
                    // Built once per process, for tables that live as long as it does.
                    Box::leak(s.replace(['"', '\\'], "'").into_boxed_str())
                } else {
                    s
                }
            })
            .collect()
    };
    let kept = keep(list);
    if kept.is_empty() {
        keep(fallback)
    } else {
        kept
    }
}

/// Lowercase ASCII spellings of `names` (`Jürgen` → `jurgen`, `D'Angelo` → `dangelo`), or
/// `None` when fewer than 90% have one (names in another script).
fn fold_all(names: &[&str]) -> Option<Vec<Box<str>>> {
    let folded: Vec<Box<str>> = names.iter().filter_map(|n| fold_to_ascii(n)).collect();
    (!folded.is_empty() && folded.len() * 10 >= names.len() * 9).then_some(folded)
}

fn fold_to_ascii(name: &str) -> Option<Box<str>> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        let plain = match c {
            ' ' | '-' | '\'' | '’' | '.' | '\u{0302}' | '\u{0307}' => "",
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'č' => "c",
            'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ğ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ł' => "l",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'œ' => "oe",
            'ß' => "ss",
            'š' | 'ş' => "s",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' => "y",
            'ž' => "z",
            _ => return None,
        };
        out.push_str(plain);
    }
    (!out.is_empty()).then(|| out.into_boxed_str())
}

// ---------------------------------------------------------------------------------------
// Templates such as "{LastName} {FirstName}", compiled once.

/// A placeholder in one of `fake`'s templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    FirstName,
    LastName,
    StreetName,
    StreetSuffix,
    CityPrefix,
    CityName,
    CitySuffix,
    CompanyName1,
    CompanyName2,
    CompanySuffix,
    Seniority,
    JobField,
    JobPosition,
}

impl Slot {
    fn from_placeholder(name: &str) -> Option<Slot> {
        Some(match name {
            "FirstName" => Slot::FirstName,
            "LastName" => Slot::LastName,
            "StreetName" => Slot::StreetName,
            "StreetSuffix" => Slot::StreetSuffix,
            "CityPrefix" => Slot::CityPrefix,
            "CityName" => Slot::CityName,
            "CitySuffix" => Slot::CitySuffix,
            "Name_1" => Slot::CompanyName1,
            "Name_2" => Slot::CompanyName2,
            // Only company templates have a bare "Suffix".
            "Suffix" => Slot::CompanySuffix,
            "Seniority" => Slot::Seniority,
            "Field" => Slot::JobField,
            "Position" => Slot::JobPosition,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Piece {
    Text(&'static str),
    Slot(Slot),
}

/// Fills one slot: appends its value to `out`.
type Filler = fn(&mut SynthRng, &LocaleTables, Slot, &mut String);

#[derive(Debug)]
struct Template(Vec<Piece>);

impl Template {
    /// Splits `{Placeholder}`s from literal text; an unknown placeholder stays literal.
    fn compile(template: &'static str) -> Template {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            match Slot::from_placeholder(&rest[open + 1..close]) {
                Some(slot) => {
                    if open > 0 {
                        pieces.push(Piece::Text(&rest[..open]));
                    }
                    pieces.push(Piece::Slot(slot));
                }
                None => pieces.push(Piece::Text(&rest[..=close])),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest));
        }
        Template(pieces)
    }

    fn render(&self, rng: &mut SynthRng, out: &mut String, tables: &LocaleTables, fill: Filler) {
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Slot(slot) => fill(rng, tables, *slot, out),
            }
        }
    }

    fn span(&self, slot_span: impl Fn(Slot) -> Span) -> Span {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => Span::fixed(text.chars().count()),
                Piece::Slot(slot) => slot_span(*slot),
            })
            .fold(Span::fixed(0), Span::then)
    }
}

/// Person names: `{FirstName}`, `{LastName}`.
fn fill_person(rng: &mut SynthRng, t: &LocaleTables, slot: Slot, out: &mut String) {
    let list = match slot {
        Slot::FirstName => &t.first_names,
        _ => &t.last_names,
    };
    out.push_str(pick(rng, list));
}

fn person_span(t: &LocaleTables, slot: Slot) -> Span {
    match slot {
        Slot::FirstName => Span::of(&t.first_names),
        _ => Span::of(&t.last_names),
    }
}

/// Streets are named after a first or a last name, as `fake` does.
fn fill_street(rng: &mut SynthRng, t: &LocaleTables, slot: Slot, out: &mut String) {
    match slot {
        Slot::StreetSuffix => out.push_str(pick(rng, &t.street_suffixes)),
        _ if rng.random_bool(0.5) => out.push_str(pick(rng, &t.first_names)),
        _ => out.push_str(pick(rng, &t.last_names)),
    }
}

fn street_span(t: &LocaleTables, slot: Slot) -> Span {
    match slot {
        Slot::StreetSuffix => Span::of(&t.street_suffixes),
        _ => Span::of(&t.first_names).either(Span::of(&t.last_names)),
    }
}

fn fill_company(rng: &mut SynthRng, t: &LocaleTables, slot: Slot, out: &mut String) {
    let list = match slot {
        Slot::CompanySuffix => &t.company_suffixes,
        _ => &t.last_names,
    };
    out.push_str(pick(rng, list));
}

fn company_span(t: &LocaleTables, slot: Slot) -> Span {
    match slot {
        Slot::CompanySuffix => Span::of(&t.company_suffixes),
        _ => Span::of(&t.last_names),
    }
}

fn fill_job(rng: &mut SynthRng, t: &LocaleTables, slot: Slot, out: &mut String) {
    let list = match slot {
        Slot::Seniority => &t.job_seniorities,
        Slot::JobField => &t.job_fields,
        _ => &t.job_positions,
    };
    out.push_str(pick(rng, list));
}

fn job_span(t: &LocaleTables, slot: Slot) -> Span {
    match slot {
        Slot::Seniority => Span::of(&t.job_seniorities),
        Slot::JobField => Span::of(&t.job_fields),
        _ => Span::of(&t.job_positions),
    }
}

// ---------------------------------------------------------------------------------------
// Composed values. Each generator sits beside the function giving its length span.

/// A uniformly chosen element. Every table is non-empty (see [`clean`]).
#[inline]
fn choose<'a, T>(rng: &mut SynthRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A uniformly chosen string of a table.
#[inline]
fn pick<'a, S: AsRef<str>>(rng: &mut SynthRng, items: &'a [S]) -> &'a str {
    choose(rng, items).as_ref()
}

fn push_number(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// One of `formats` with `#` replaced by a digit, `^` by a non-zero digit and `$` by a
/// capital letter.
fn numerify(rng: &mut SynthRng, formats: &[&str], out: &mut String) {
    // The letters that appear in Dutch and British postcodes (no I, O, U).
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTVWXYZ";
    for c in pick(rng, formats).chars() {
        match c {
            '#' => out.push(char::from(b'0' + rng.random_range(0..10u8))),
            '^' => out.push(char::from(b'0' + rng.random_range(1..10u8))),
            '$' => out.push(char::from(*choose(rng, LETTERS))),
            other => out.push(other),
        }
    }
}

/// A house number, mostly small: 1-99 half the time, 100-999 a third, up to 9999 rarely.
fn house_number(rng: &mut SynthRng, out: &mut String) {
    let n = match rng.random_range(0..6u8) {
        0..=2 => rng.random_range(1..100),
        3 | 4 => rng.random_range(100..1000),
        _ => rng.random_range(1000..10000),
    };
    push_number(out, n);
}

fn street_address(rng: &mut SynthRng, own: &LocaleTables, places: &LocaleTables, out: &mut String) {
    let street = |rng: &mut SynthRng, out: &mut String| {
        places.street.render(rng, out, places, fill_street);
    };
    match own.style.house_number {
        HouseNumber::Before => {
            house_number(rng, out);
            out.push(' ');
            street(rng, out);
        }
        HouseNumber::After => {
            street(rng, out);
            out.push(' ');
            house_number(rng, out);
        }
        HouseNumber::AfterComma => {
            street(rng, out);
            out.push_str(", ");
            house_number(rng, out);
        }
        HouseNumber::ChineseHao => {
            street(rng, out);
            house_number(rng, out);
            out.push('号');
        }
    }
}

fn street_address_span(own: &LocaleTables, places: &LocaleTables) -> Span {
    let street = places.street.span(|slot| street_span(places, slot));
    let separator = match own.style.house_number {
        HouseNumber::Before | HouseNumber::After | HouseNumber::ChineseHao => 1,
        HouseNumber::AfterComma => 2,
    };
    street.then(Span::new(1, 4)).then(Span::fixed(separator))
}

/// Region abbreviations: the locale's real ones (`CA`, `BY`, `SP`, Turkey's plate
/// codes); for Italy and Portugal `fake`'s own (province and district codes); elsewhere,
/// where addresses write none (France, Japan, ...), the region names themselves, rather
/// than the American ones `fake` falls back to.
fn state_abbrs(locale: Locale, own: &LocaleTables) -> &[&'static str] {
    let real = places::of(locale);
    if !real.region_abbrs.is_empty() {
        &real.region_abbrs
    } else if matches!(locale, Locale::ItIt | Locale::PtPt) {
        &own.state_abbrs
    } else {
        &real.regions
    }
}

/// How a name becomes a username or the part of an email before the `@`.
#[derive(Clone, Copy)]
enum Handle {
    /// `maria.lopez`
    FirstDotLast,
    /// `maria.lopez84`
    FirstDotLastNumber,
    /// `mlopez`
    InitialLast,
    /// `mlopez84`
    InitialLastNumber,
    /// `marialopez1987`
    FirstLastYear,
    /// `maria_lopez`
    FirstUnderscoreLast,
    /// `lopez.maria`
    LastDotFirst,
    /// `maria42`, `maria427`
    FirstNumber,
}

impl Handle {
    const ALL: [Handle; 8] = [
        Handle::FirstDotLast,
        Handle::FirstDotLastNumber,
        Handle::InitialLast,
        Handle::InitialLastNumber,
        Handle::FirstLastYear,
        Handle::FirstUnderscoreLast,
        Handle::LastDotFirst,
        Handle::FirstNumber,
    ];

    fn write(self, rng: &mut SynthRng, first: &str, last: &str, out: &mut String) {
        let initial = &first[..1]; // folded names are ASCII and non-empty
        match self {
            Handle::FirstDotLast | Handle::FirstDotLastNumber => {
                out.push_str(first);
                out.push('.');
                out.push_str(last);
            }
            Handle::InitialLast | Handle::InitialLastNumber => {
                out.push_str(initial);
                out.push_str(last);
            }
            Handle::FirstLastYear => {
                out.push_str(first);
                out.push_str(last);
            }
            Handle::FirstUnderscoreLast => {
                out.push_str(first);
                out.push('_');
                out.push_str(last);
            }
            Handle::LastDotFirst => {
                out.push_str(last);
                out.push('.');
                out.push_str(first);
            }
            Handle::FirstNumber => out.push_str(first),
        }
        match self {
            Handle::FirstDotLastNumber | Handle::InitialLastNumber => {
                push_number(out, rng.random_range(1..100));
            }
            Handle::FirstLastYear => push_number(out, rng.random_range(1950..2010)),
            Handle::FirstNumber => push_number(out, rng.random_range(10..1000)),
            _ => {}
        }
    }

    fn span(self, first: Span, last: Span) -> Span {
        let dotted = first.then(Span::fixed(1)).then(last);
        match self {
            Handle::FirstDotLast | Handle::FirstUnderscoreLast | Handle::LastDotFirst => dotted,
            Handle::FirstDotLastNumber => dotted.then(Span::new(1, 2)),
            Handle::InitialLast => Span::fixed(1).then(last),
            Handle::InitialLastNumber => Span::fixed(1).then(last).then(Span::new(1, 2)),
            Handle::FirstLastYear => first.then(last).then(Span::fixed(4)),
            Handle::FirstNumber => first.then(Span::new(2, 3)),
        }
    }
}

fn handle(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    let first = pick(rng, &t.ascii_first_names);
    let last = pick(rng, &t.ascii_last_names);
    choose(rng, &Handle::ALL).write(rng, first, last, out);
}

fn handle_span(t: &LocaleTables) -> Span {
    let first = Span::of(&t.ascii_first_names);
    let last = Span::of(&t.ascii_last_names);
    Handle::ALL
        .iter()
        .map(|h| h.span(first, last))
        .reduce(Span::either)
        .unwrap_or(Span::EMPTY)
}

/// `lopez.com` or `lopez-smith.net`: a made-up company host.
fn host(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    out.push_str(pick(rng, &t.ascii_last_names));
    if rng.random_range(0..4u8) == 0 {
        out.push('-');
        out.push_str(pick(rng, &t.ascii_last_names));
    }
    out.push('.');
    out.push_str(pick(rng, &t.domain_suffixes));
}

fn host_span(t: &LocaleTables) -> Span {
    let last = Span::of(&t.ascii_last_names);
    let one = last.then(Span::fixed(1)).then(Span::of(&t.domain_suffixes));
    one.either(one.then(last).then(Span::fixed(1)))
}

/// Three in four at a free mail provider of the locale, the rest at a company host.
fn email(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    handle(rng, t, out);
    out.push('@');
    email_domain(rng, t, out);
}

/// What follows an email's `@`.
fn email_domain(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    if rng.random_range(0..4u8) == 0 {
        host(rng, t, out);
    } else {
        out.push_str(pick(rng, &t.email_providers));
    }
}

fn email_span(t: &LocaleTables) -> Span {
    let domain = Span::of(&t.email_providers).either(host_span(t));
    handle_span(t).then(Span::fixed(1)).then(domain)
}

/// `https://www.lopez.com/about`: https mostly, `www.` half the time, up to two path segments.
fn url(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    out.push_str(if rng.random_range(0..8u8) == 0 {
        "http://"
    } else {
        "https://"
    });
    if rng.random_bool(0.5) {
        out.push_str("www.");
    }
    host(rng, t, out);
    for _ in 0..rng.random_range(0..3u8) {
        out.push('/');
        out.push_str(pick(rng, &t.url_paths));
    }
}

fn url_span(t: &LocaleTables) -> Span {
    let segment = Span::fixed(1).then(Span::of(&t.url_paths));
    let path = Span::fixed(0).either(segment).either(segment.then(segment));
    // "http://" .. "https://www."
    Span::new(7, 12).then(host_span(t)).then(path)
}

/// 4 to 9 lorem words, the first capitalised, ending with a full stop.
fn sentence(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    let words = rng.random_range(SENTENCE_WORDS.0..=SENTENCE_WORDS.1);
    for i in 0..words {
        let word = pick(rng, &t.words);
        if i == 0 {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) if first.is_ascii() => out.push(first.to_ascii_uppercase()),
                Some(first) => out.extend(first.to_uppercase()),
                None => {}
            }
            out.push_str(chars.as_str());
        } else {
            if !t.style.cjk_text {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out.push(if t.style.cjk_text { '。' } else { '.' });
}

const SENTENCE_WORDS: (usize, usize) = (4, 9);
const PARAGRAPH_SENTENCES: (usize, usize) = (3, 6);

/// `n` of `item` joined by `gap`, with `n` in `count`.
fn repeated(item: Span, gap: usize, count: (usize, usize)) -> Span {
    let at = |n: usize, len: usize| n * len + n.saturating_sub(1) * gap;
    Span::new(at(count.0, item.min), at(count.1, item.max))
}

fn sentence_span(t: &LocaleTables) -> Span {
    // Upper-casing may lengthen the first letter (ß → SS): allow one more code point.
    let gap = usize::from(!t.style.cjk_text);
    let words = repeated(Span::of(&t.words), gap, SENTENCE_WORDS);
    Span::new(words.min + 1, words.max + 2)
}

fn paragraph(rng: &mut SynthRng, t: &LocaleTables, out: &mut String) {
    let sentences = rng.random_range(PARAGRAPH_SENTENCES.0..=PARAGRAPH_SENTENCES.1);
    for i in 0..sentences {
        if i > 0 && !t.style.cjk_text {
            out.push(' ');
        }
        sentence(rng, t, out);
    }
}

fn paragraph_span(t: &LocaleTables) -> Span {
    let gap = usize::from(!t.style.cjk_text);
    repeated(sentence_span(t), gap, PARAGRAPH_SENTENCES)
}

/// Decimal degrees within ±`limit` with 4 to 6 decimals, e.g. `48.8566` or `-122.41942`.
fn coordinate(rng: &mut SynthRng, limit: i64, out: &mut String) {
    const SCALES: [i64; 3] = [10_000, 100_000, 1_000_000];
    let decimals = rng.random_range(0..SCALES.len());
    let scale = SCALES[decimals];
    let value = rng.random_range(-limit * scale..=limit * scale);
    if value < 0 {
        out.push('-');
    }
    let magnitude = value.unsigned_abs();
    let scale = scale.unsigned_abs();
    out.push_str(itoa::Buffer::new().format(magnitude / scale));
    out.push('.');
    let fraction = magnitude % scale;
    let digits = decimals + 4;
    let mut buffer = itoa::Buffer::new();
    let text = buffer.format(fraction);
    for _ in text.len()..digits {
        out.push('0');
    }
    out.push_str(text);
}

/// A public-looking unicast address: first octet 1-223, not 10 or 127.
fn ipv4(rng: &mut SynthRng, out: &mut String) {
    let first = loop {
        let octet = rng.random_range(1..224u32);
        if octet != 10 && octet != 127 {
            break octet;
        }
    };
    push_number(out, first);
    for _ in 0..3 {
        out.push('.');
        push_number(out, rng.random_range(0..256));
    }
}

fn color(rng: &mut SynthRng, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let rgb: u32 = rng.random_range(0..1 << 24);
    out.push('#');
    for shift in (0..6).rev() {
        out.push(char::from(HEX[((rgb >> (shift * 4)) & 0xf) as usize]));
    }
}

// ---------------------------------------------------------------------------------------

/// A range of lengths in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    min: usize,
    max: usize,
}

impl Span {
    const EMPTY: Span = Span { min: 0, max: 0 };

    fn new(min: usize, max: usize) -> Span {
        Span { min, max }
    }

    fn fixed(len: usize) -> Span {
        Span::new(len, len)
    }

    /// The lengths of a list's entries.
    fn of<S: AsRef<str>>(items: &[S]) -> Span {
        items
            .iter()
            .map(|s| Span::fixed(s.as_ref().chars().count()))
            .reduce(Span::either)
            .unwrap_or(Span::EMPTY)
    }

    /// This followed by `next`.
    fn then(self, next: Span) -> Span {
        Span::new(self.min + next.min, self.max + next.max)
    }

    /// This or `other`.
    fn either(self, other: Span) -> Span {
        Span::new(self.min.min(other.min), self.max.max(other.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rng_for;
    use std::collections::HashSet;

    fn values(domain: Domain, locale: Locale, seed: u64, n: usize) -> Vec<String> {
        let mut rng = rng_for(seed);
        (0..n)
            .map(|_| {
                let mut s = String::new();
                domain.generate(&mut rng, locale, &mut s);
                s
            })
            .collect()
    }

    fn format_validator(format: &str) -> jsonschema::Validator {
        let schema = serde_json::json!({"type": "string", "format": format});
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("a valid schema")
    }

    #[test]
    fn every_domain_and_locale_gives_clean_values_within_length_range() {
        let email = format_validator("email");
        let uri = format_validator("uri");
        let hostname = format_validator("hostname");
        let ipv4 = format_validator("ipv4");
        for &locale in Locale::all() {
            for &domain in Domain::all() {
                let (min, max) = domain.length_range(locale);
                assert!(
                    min >= 1 && min <= max,
                    "{domain:?} {locale:?}: {min}..{max}"
                );
                for value in values(domain, locale, 7, 1000) {
                    let what = format!("{domain:?} {locale:?} {value:?}");
                    let len = value.chars().count();
                    assert!(
                        len >= min && len <= max,
                        "{what}: {len} not in {min}..={max}"
                    );
                    assert!(!value.chars().any(char::is_control), "{what}");
                    assert_eq!(value.trim(), value, "{what}");
                    let json = serde_json::Value::String(value.clone());
                    match domain {
                        Domain::Email => assert!(email.is_valid(&json), "{what}"),
                        Domain::Url => assert!(uri.is_valid(&json), "{what}"),
                        Domain::DomainName => assert!(hostname.is_valid(&json), "{what}"),
                        Domain::Ipv4 => assert!(ipv4.is_valid(&json), "{what}"),
                        Domain::Latitude | Domain::Longitude => {
                            let limit = if domain == Domain::Latitude {
                                90.0
                            } else {
                                180.0
                            };
                            let degrees: f64 = value.parse().expect(&what);
                            assert!((-limit..=limit).contains(&degrees), "{what}");
                            let decimals = value.split('.').nth(1).map_or(0, str::len);
                            assert!((4..=6).contains(&decimals), "{what}");
                        }
                        Domain::Color => {
                            assert!(value.starts_with('#'), "{what}");
                            assert!(u32::from_str_radix(&value[1..], 16).is_ok(), "{what}");
                        }
                        Domain::Username => assert!(
                            value
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b"._".contains(&b)),
                            "{what}"
                        ),
                        _ => {}
                    }
                }
            }
        }
    }

    #[test]
    fn same_seed_same_values_other_seed_other_values() {
        for &domain in Domain::all() {
            let a = values(domain, Locale::En, 11, 50);
            assert_eq!(a, values(domain, Locale::En, 11, 50), "{domain:?}");
            assert_ne!(a, values(domain, Locale::En, 12, 50), "{domain:?}");
        }
    }

    fn distinct_share(domain: Domain, locale: Locale) -> f64 {
        let v = values(domain, locale, 3, 1000);
        v.iter().collect::<HashSet<_>>().len() as f64 / v.len() as f64
    }

    #[test]
    fn emails_and_usernames_rarely_repeat() {
        for &locale in Locale::all() {
            for domain in [Domain::Email, Domain::Username, Domain::Url] {
                let share = distinct_share(domain, locale);
                assert!(share >= 0.9, "{domain:?} {locale:?}: {share}");
            }
        }
    }

    #[test]
    fn names_repeat_no_more_than_the_lists_force() {
        for &locale in Locale::all() {
            let t = &TABLES[locale.index()];
            let combinations = (t.first_names.len() * t.last_names.len()) as f64;
            // Drawing 1000 from c equally likely values leaves c(1-e^(-1000/c)) distinct
            // on average; ask for 90% of that.
            let expected = combinations * (1.0 - (-1000.0 / combinations).exp()) / 1000.0;
            let share = distinct_share(Domain::Name, locale);
            assert!(
                share >= 0.9 * expected,
                "{locale:?}: {share} < 0.9 × {expected}"
            );
        }
        assert!(distinct_share(Domain::Name, Locale::En) >= 0.95);
    }

    #[test]
    fn parse_accepts_names_aliases_and_spellings() {
        for &domain in Domain::all() {
            assert_eq!(Domain::parse(domain.name()), Some(domain));
            assert_eq!(Domain::parse(&domain.name().to_uppercase()), Some(domain));
        }
        assert_eq!(Domain::parse("firstName"), Some(Domain::FirstName));
        assert_eq!(Domain::parse("first-name"), Some(Domain::FirstName));
        assert_eq!(Domain::parse("Surname"), Some(Domain::LastName));
        assert_eq!(Domain::parse("zip_code"), Some(Domain::Postcode));
        assert_eq!(Domain::parse("lng"), Some(Domain::Longitude));
        assert_eq!(Domain::parse("phone_number"), Some(Domain::Phone));
        assert_eq!(Domain::parse("nonsense"), None);
        assert_eq!(Domain::parse(""), None);
        for &locale in Locale::all() {
            assert_eq!(Locale::parse(locale.name()), Some(locale));
        }
        assert_eq!(Locale::parse("fr-fr"), Some(Locale::FrFr));
        assert_eq!(Locale::parse("DE"), Some(Locale::DeDe));
        assert_eq!(Locale::parse("en_US"), Some(Locale::En));
        assert_eq!(Locale::parse("pt"), None, "ambiguous: pt_BR or pt_PT");
        assert_eq!(Locale::parse("xx_YY"), None);
    }

    #[test]
    fn values_look_like_their_locale() {
        let one = |domain, locale| values(domain, locale, 5, 1).remove(0);
        // German streets are compound words with the number after them.
        let street = one(Domain::StreetAddress, Locale::DeDe);
        assert!(street.ends_with(|c: char| c.is_ascii_digit()), "{street}");
        assert!(
            !street.starts_with(|c: char| c.is_ascii_digit()),
            "{street}"
        );
        // Names in Chinese use Chinese characters; their emails fall back to Latin names.
        let name = one(Domain::Name, Locale::ZhCn);
        assert!(!name.is_ascii(), "{name}");
        assert!(one(Domain::Email, Locale::ZhCn).is_ascii());
        // Cities and regions are real ones of the locale's own country, in its script.
        for &locale in Locale::all() {
            let real = places::of(locale);
            for city in values(Domain::City, locale, 7, 50) {
                assert!(real.cities.contains(&city.as_str()), "{locale:?}: {city}");
            }
            for region in values(Domain::State, locale, 7, 50) {
                assert!(
                    real.regions.contains(&region.as_str()),
                    "{locale:?}: {region}"
                );
            }
        }
        assert!(!one(Domain::City, Locale::JaJp).is_ascii());
        // French emails use French providers.
        let providers = &TABLES[Locale::FrFr.index()].email_providers;
        assert!(providers.contains(&"orange.fr"));
    }

    #[test]
    fn folding_to_ascii() {
        assert_eq!(fold_to_ascii("Jürgen").as_deref(), Some("jurgen"));
        assert_eq!(fold_to_ascii("D'Angelo").as_deref(), Some("dangelo"));
        assert_eq!(fold_to_ascii("van den Berg").as_deref(), Some("vandenberg"));
        assert_eq!(fold_to_ascii("Straße").as_deref(), Some("strasse"));
        assert_eq!(fold_to_ascii("İlker").as_deref(), Some("ilker"));
        assert_eq!(fold_to_ascii("王"), None);
        assert_eq!(fold_to_ascii("-"), None);
    }

    #[test]
    fn templates_compile_slots_and_keep_unknown_text() {
        let t = Template::compile("{LastName} {FirstName}");
        assert!(matches!(
            t.0.as_slice(),
            [
                Piece::Slot(Slot::LastName),
                Piece::Text(" "),
                Piece::Slot(Slot::FirstName)
            ]
        ));
        let t = Template::compile("x{Nope}y{");
        assert!(matches!(
            t.0.as_slice(),
            [Piece::Text("x{Nope}"), Piece::Text("y{")]
        ));
    }

    /// Pydantic's `EmailStr` (email-validator) and `HttpUrl` accept our emails and URLs.
    /// Needs `python3` with pydantic and email-validator: `cargo test -- --ignored`.
    #[test]
    #[ignore]
    fn pydantic_accepts_emails_and_urls() {
        use std::io::Write;
        use std::process::{Command, Stdio};
        const SCRIPT: &str = "
import sys
from pydantic import BaseModel, EmailStr, HttpUrl
class Row(BaseModel):
    email: EmailStr
    url: HttpUrl
n = 0
for line in sys.stdin:
    email, url = line.rstrip('\\n').split('\\t')
    Row(email=email, url=url)
    n += 1
print(n)
";
        let mut input = String::new();
        for &locale in Locale::all() {
            let emails = values(Domain::Email, locale, 9, 1000);
            let urls = values(Domain::Url, locale, 9, 1000);
            for (email, url) in emails.iter().zip(&urls) {
                input.push_str(&format!("{email}\t{url}\n"));
            }
        }
        let mut python = Command::new("python3")
            .args(["-c", SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut stdin = python.stdin.take().expect("a pipe");
        stdin.write_all(input.as_bytes()).expect("python reads");
        drop(stdin);
        let output = python.wait_with_output().expect("python finishes");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let checked = String::from_utf8_lossy(&output.stdout).trim().to_string();
        assert_eq!(checked, (1000 * Locale::all().len()).to_string());
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;
    use crate::rng::rng_for;
    use crate::sink::needs_escape;

    /// Every string a locale's tables hold, template text included. The destructuring
    /// names every field, so a new table cannot be left out.
    fn table_strings(tables: &LocaleTables) -> Vec<&str> {
        let LocaleTables {
            style,
            first_names,
            last_names,
            name,
            ascii_first_names,
            ascii_last_names,
            // ASCII letters and digits only (fold_to_ascii).
            first_names_folded: _,
            last_names_folded: _,
            email_providers,
            domain_suffixes,
            url_paths,
            phone_formats,
            company_templates,
            company_suffixes,
            street,
            street_suffixes,
            state_abbrs,
            countries,
            country_codes,
            postcode_formats,
            job_title,
            job_seniorities,
            job_fields,
            job_positions,
            words,
            user_agents,
            currency_codes,
            time_zones,
        } = tables;
        let _ = style;
        let templates = [name, street, job_title]
            .into_iter()
            .chain(company_templates);
        let template_text = templates.flat_map(|t| {
            t.0.iter().filter_map(|piece| match piece {
                Piece::Text(text) => Some(*text),
                Piece::Slot(_) => None,
            })
        });
        let lists = [
            first_names,
            last_names,
            email_providers,
            domain_suffixes,
            url_paths,
            phone_formats,
            company_suffixes,
            street_suffixes,
            state_abbrs,
            countries,
            country_codes,
            postcode_formats,
            job_seniorities,
            job_fields,
            job_positions,
            words,
            user_agents,
            currency_codes,
            time_zones,
        ];
        lists
            .into_iter()
            .flatten()
            .copied()
            .chain(
                ascii_first_names
                    .iter()
                    .chain(ascii_last_names)
                    .map(|s| &**s),
            )
            .chain(template_text)
            .collect()
    }

    /// Domain values are said to need no JSON escapes: no table holds a quote, a
    /// backslash or a control character, and the code around them adds none.
    #[test]
    fn domain_values_need_no_escapes() {
        for (locale, tables) in Locale::ALL.iter().zip(TABLES.iter()) {
            let real = places::of(*locale);
            let places = (real.places.iter())
                .flat_map(|p| [p.city, p.region].into_iter().chain(p.region_abbr));
            for s in table_strings(tables).into_iter().chain(places) {
                assert!(!needs_escape(s.as_bytes()), "{locale:?}: {s:?}");
            }
            for domain in Domain::ALL {
                let mut rng = rng_for(5);
                let mut s = String::new();
                for _ in 0..500 {
                    s.clear();
                    domain.generate(&mut rng, *locale, &mut s);
                    assert!(!needs_escape(s.as_bytes()), "{domain:?} {locale:?}: {s:?}");
                }
            }
        }
    }
}
