//! Values for the `format` keyword: every format of the 2020-12 validation vocabulary and
//! those pydantic v2 writes into its schemas.
//!
//! Values look real and load into the matching pydantic types: names and hosts come from
//! small built-in vocabularies, and every domain is one of the reserved `example.com`,
//! `example.net`, `example.org` (which email-validator accepts, unlike `.test` or
//! `.invalid`), so no generated address can reach a real person.
//!
//! Each format's possible lengths are described by a [`Span`] built from the same
//! vocabularies, so [`Format::length_range`] stays true when a word list changes.

use crate::generate::temporal::TemporalKind;
use crate::rng::SynthRng;
use rand::RngExt;

/// Declares [`Format`] (one variant per `format` name), [`ALL_FORMATS`] in declaration
/// order and [`Format::name`], from one list.
macro_rules! formats {
    ($($variant:ident => $name:literal,)*) => {
        /// A string format generators know how to produce.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Format {
            $($variant,)*
        }

        /// Every format, in declaration order.
        pub const ALL_FORMATS: &[Format] = &[$(Format::$variant,)*];

        impl Format {
            /// The `format` keyword's value.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

formats! {
    // 2020-12 validation vocabulary.
    DateTime => "date-time",
    Date => "date",
    Time => "time",
    Duration => "duration",
    Email => "email",
    IdnEmail => "idn-email",
    Hostname => "hostname",
    IdnHostname => "idn-hostname",
    Ipv4 => "ipv4",
    Ipv6 => "ipv6",
    Uri => "uri",
    UriReference => "uri-reference",
    Iri => "iri",
    IriReference => "iri-reference",
    Uuid => "uuid",
    UriTemplate => "uri-template",
    JsonPointer => "json-pointer",
    RelativeJsonPointer => "relative-json-pointer",
    Regex => "regex",
    // pydantic v2 (`ipaddress` types, `NameEmail`, DSNs, `UUIDn`, paths, secrets, bytes).
    IpvAnyAddress => "ipvanyaddress",
    IpvAnyInterface => "ipvanyinterface",
    IpvAnyNetwork => "ipvanynetwork",
    Ipv4Interface => "ipv4interface",
    Ipv6Interface => "ipv6interface",
    Ipv4Network => "ipv4network",
    Ipv6Network => "ipv6network",
    NameEmail => "name-email",
    MultiHostUri => "multi-host-uri",
    Uuid1 => "uuid1",
    Uuid3 => "uuid3",
    Uuid4 => "uuid4",
    Uuid5 => "uuid5",
    Uuid6 => "uuid6",
    Uuid7 => "uuid7",
    Uuid8 => "uuid8",
    Binary => "binary",
    Base64 => "base64",
    Base64Url => "base64url",
    Password => "password",
    Path => "path",
    FilePath => "file-path",
    DirectoryPath => "directory-path",
    Fraction => "fraction",
    ZoneInfo => "zoneinfo",
    Color => "color",
}

/// The formats of the JSON Schema 2020-12 validation vocabulary (declared first; the
/// rest come from pydantic).
pub const SPEC_FORMATS: &[Format] = ALL_FORMATS.split_at(Format::Regex as usize + 1).0;

impl Format {
    /// The format for a `format` keyword's value, or `None` when unknown.
    pub fn parse(name: &str) -> Option<Self> {
        ALL_FORMATS.iter().copied().find(|f| f.name() == name)
    }

    /// True for date, date-time and time, which [`crate::generate::temporal`] draws
    /// within a range; [`generate`](Self::generate) uses the default range.
    pub fn is_temporal(&self) -> bool {
        self.temporal_kind().is_some()
    }

    /// The temporal kind of date, date-time and time.
    pub fn temporal_kind(&self) -> Option<TemporalKind> {
        match self {
            Self::Date => Some(TemporalKind::Date),
            Self::DateTime => Some(TemporalKind::DateTime),
            Self::Time => Some(TemporalKind::Time),
            _ => None,
        }
    }

    /// Minimum and maximum length in code points of what [`generate`](Self::generate)
    /// produces (`None` = unbounded; every format here is bounded).
    pub fn length_range(&self) -> (usize, Option<usize>) {
        let span = match self {
            Self::DateTime => Span::fixed(TemporalKind::DateTime.length()),
            Self::Date => Span::fixed(TemporalKind::Date.length()),
            Self::Time => Span::fixed(TemporalKind::Time.length()),
            Self::Duration => DURATION,
            Self::Email => EMAIL,
            Self::IdnEmail => IDN_EMAIL,
            Self::Hostname => HOSTNAME,
            Self::IdnHostname => IDN_HOSTNAME,
            Self::Ipv4 => IPV4,
            Self::Ipv6 => IPV6,
            Self::Uri => URI,
            Self::UriReference => URI_REFERENCE,
            Self::Iri => IRI,
            Self::IriReference => IRI_REFERENCE,
            Self::Uuid
            | Self::Uuid1
            | Self::Uuid3
            | Self::Uuid4
            | Self::Uuid5
            | Self::Uuid6
            | Self::Uuid7
            | Self::Uuid8 => Span::fixed(36),
            Self::UriTemplate => URI_TEMPLATE,
            Self::JsonPointer => JSON_POINTER,
            Self::RelativeJsonPointer => RELATIVE_JSON_POINTER,
            Self::Regex => REGEX,
            Self::IpvAnyAddress => IPV4.or(IPV6),
            Self::IpvAnyInterface => IPV4_INTERFACE.or(IPV6_INTERFACE),
            Self::IpvAnyNetwork => IPV4_NETWORK.or(IPV6_NETWORK),
            Self::Ipv4Interface => IPV4_INTERFACE,
            Self::Ipv6Interface => IPV6_INTERFACE,
            Self::Ipv4Network => IPV4_NETWORK,
            Self::Ipv6Network => IPV6_NETWORK,
            Self::NameEmail => NAME_EMAIL,
            Self::MultiHostUri => MULTI_HOST_URI,
            Self::Binary | Self::Base64 | Self::Base64Url => BASE64,
            Self::Password => PASSWORD,
            Self::Path => PATH,
            Self::FilePath => Span::of(&EXISTING_FILES),
            Self::DirectoryPath => Span::of(&EXISTING_DIRECTORIES),
            Self::Fraction => FRACTION,
            Self::ZoneInfo => Span::of(&TIME_ZONES),
            Self::Color => Span::fixed(7),
        };
        (span.min, Some(span.max))
    }

    /// Whether no value holds a character JSON must escape (`"`, `\`, a control
    /// character): these are built from digits, hex, fixed separators and the lowercase
    /// vocabularies below. `tests::plain_formats_need_no_escapes` checks the claim.
    pub fn never_escapes(&self) -> bool {
        self.is_uuid()
            || matches!(
                self,
                Self::DateTime
                    | Self::Date
                    | Self::Time
                    | Self::Duration
                    | Self::Hostname
                    | Self::Ipv4
                    | Self::Ipv6
                    | Self::IpvAnyAddress
                    | Self::IpvAnyInterface
                    | Self::IpvAnyNetwork
                    | Self::Ipv4Interface
                    | Self::Ipv6Interface
                    | Self::Ipv4Network
                    | Self::Ipv6Network
                    | Self::Binary
                    | Self::Base64
                    | Self::Base64Url
                    | Self::Color
            )
    }

    /// `uuid` and its versions: hyphenated hex, as PostgreSQL's `UUID` reads it.
    pub fn is_uuid(&self) -> bool {
        matches!(
            self,
            Self::Uuid
                | Self::Uuid1
                | Self::Uuid3
                | Self::Uuid4
                | Self::Uuid5
                | Self::Uuid6
                | Self::Uuid7
                | Self::Uuid8
        )
    }

    /// Appends one value to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        match self {
            Self::DateTime => TemporalKind::DateTime.generate_default(rng, out),
            Self::Date => TemporalKind::Date.generate_default(rng, out),
            Self::Time => TemporalKind::Time.generate_default(rng, out),
            Self::Duration => push_duration(rng, out),
            Self::Email => {
                let person = Person::draw(rng);
                push_email(rng, person, out);
            }
            Self::IdnEmail => push_idn_email(rng, out),
            Self::Hostname => push_hostname(rng, out),
            Self::IdnHostname => push_idn_hostname(rng, out),
            Self::Ipv4 => push_ipv4(draw_ipv4(rng), out),
            Self::Ipv6 => push_ipv6(draw_ipv6(rng), out),
            Self::Uri => push_uri(rng, out),
            Self::UriReference => push_uri_reference(rng, out),
            Self::Iri => push_iri(rng, out),
            Self::IriReference => push_iri_reference(rng, out),
            Self::Uuid | Self::Uuid4 => push_uuid(rng, 4, out),
            Self::Uuid1 => push_uuid(rng, 1, out),
            Self::Uuid3 => push_uuid(rng, 3, out),
            Self::Uuid5 => push_uuid(rng, 5, out),
            Self::Uuid6 => push_uuid(rng, 6, out),
            Self::Uuid7 => push_uuid(rng, 7, out),
            Self::Uuid8 => push_uuid(rng, 8, out),
            Self::UriTemplate => push_uri_template(rng, out),
            Self::JsonPointer => push_json_pointer(rng, out),
            Self::RelativeJsonPointer => push_relative_json_pointer(rng, out),
            Self::Regex => push_regex(rng, out),
            Self::IpvAnyAddress => {
                if rng.random_bool(IPV4_SHARE) {
                    Self::Ipv4.generate(rng, out);
                } else {
                    Self::Ipv6.generate(rng, out);
                }
            }
            Self::IpvAnyInterface => {
                let v4 = rng.random_bool(IPV4_SHARE);
                push_ip_prefix(rng, v4, PrefixKind::Interface, out);
            }
            Self::IpvAnyNetwork => {
                let v4 = rng.random_bool(IPV4_SHARE);
                push_ip_prefix(rng, v4, PrefixKind::Network, out);
            }
            Self::Ipv4Interface => push_ip_prefix(rng, true, PrefixKind::Interface, out),
            Self::Ipv6Interface => push_ip_prefix(rng, false, PrefixKind::Interface, out),
            Self::Ipv4Network => push_ip_prefix(rng, true, PrefixKind::Network, out),
            Self::Ipv6Network => push_ip_prefix(rng, false, PrefixKind::Network, out),
            Self::NameEmail => push_name_email(rng, out),
            Self::MultiHostUri => push_multi_host_uri(rng, out),
            Self::Binary | Self::Base64 => push_base64(rng, BASE64_ALPHABET, out),
            Self::Base64Url => push_base64(rng, BASE64URL_ALPHABET, out),
            Self::Password => push_password(rng, out),
            Self::Path => push_path(rng, out),
            Self::FilePath => out.push_str(pick(rng, &EXISTING_FILES)),
            Self::DirectoryPath => out.push_str(pick(rng, &EXISTING_DIRECTORIES)),
            Self::Fraction => push_fraction(rng, out),
            Self::ZoneInfo => out.push_str(pick(rng, &TIME_ZONES)),
            Self::Color => push_color(rng, out),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Vocabularies. All ASCII words are lowercase and valid in hostnames, paths and emails.

const FIRST_NAMES: [&str; 30] = [
    "maria", "james", "wei", "aisha", "noah", "sofia", "omar", "emma", "lucas", "yuki", "ivan",
    "chloe", "david", "fatima", "mateo", "anna", "kenji", "olivia", "samuel", "priya", "liam",
    "amara", "jonas", "elena", "raj", "nora", "tomas", "leila", "oscar", "mia",
];
const LAST_NAMES: [&str; 30] = [
    "lopez", "smith", "chen", "khan", "garcia", "muller", "nguyen", "kim", "brown", "rossi",
    "silva", "novak", "patel", "cohen", "okafor", "tanaka", "johnson", "martin", "dubois",
    "kowalski", "hansen", "ali", "ivanova", "santos", "murphy", "berg", "costa", "park", "weber",
    "jensen",
];
/// Names with letters outside ASCII, for `idn-email`.
const IDN_FIRST_NAMES: [&str; 10] = [
    "josé",
    "zoë",
    "søren",
    "maría",
    "jürgen",
    "françois",
    "björn",
    "chloé",
    "renée",
    "andrés",
];
const IDN_LAST_NAMES: [&str; 10] = [
    "garcía",
    "müller",
    "núñez",
    "östberg",
    "šimek",
    "łukasik",
    "gómez",
    "jørgensen",
    "dvořák",
    "ferrão",
];
/// Reserved for documentation (RFC 2606): never someone's real domain.
const EXAMPLE_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];
const EMAIL_SUBDOMAINS: [&str; 4] = ["mail", "corp", "eu", "support"];
const HOST_LABELS: [&str; 16] = [
    "www", "api", "shop", "mail", "cdn", "app", "docs", "blog", "status", "auth", "static",
    "admin", "dev", "staging", "media", "portal",
];
const REGION_LABELS: [&str; 4] = ["eu", "us-east", "ap-south", "eu-west"];
const IDN_LABELS: [&str; 10] = [
    "bücher",
    "café",
    "münchen",
    "zürich",
    "kraków",
    "señal",
    "straße",
    "日本",
    "пример",
    "ελλάδα",
];
const PATH_WORDS: [&str; 20] = [
    "items",
    "products",
    "users",
    "orders",
    "docs",
    "blog",
    "api",
    "v1",
    "search",
    "account",
    "settings",
    "posts",
    "images",
    "downloads",
    "reports",
    "customers",
    "invoices",
    "categories",
    "help",
    "events",
];
const IDN_PATH_WORDS: [&str; 8] = [
    "menü",
    "café",
    "über-uns",
    "produkte",
    "größen",
    "niño",
    "ürünler",
    "文档",
];
const QUERY_KEYS: [&str; 8] = [
    "ref",
    "page",
    "q",
    "sort",
    "lang",
    "utm_source",
    "id",
    "limit",
];
const QUERY_VALUES: [&str; 8] = [
    "mail",
    "2",
    "shoes",
    "price",
    "en",
    "newsletter",
    "42",
    "50",
];
const TEMPLATE_VARIABLES: [&str; 8] = [
    "id", "user_id", "slug", "page", "limit", "q", "lang", "sort",
];
const POINTER_WORDS: [&str; 12] = [
    "orders", "items", "sku", "customer", "email", "address", "city", "tags", "price", "name",
    "lines", "meta",
];
const DATABASE_NAMES: [&str; 6] = [
    "orders",
    "inventory",
    "analytics",
    "billing",
    "users",
    "app",
];
const FILE_WORDS: [&str; 10] = [
    "report", "orders", "invoice", "export", "backup", "notes", "data", "summary", "photo",
    "archive",
];
const FILE_EXTENSIONS: [&str; 8] = ["csv", "json", "txt", "pdf", "log", "xlsx", "png", "zip"];
/// Directories where a new file can be created, so the path loads into pydantic's
/// `NewPath` (which also writes `"format": "path"`) as well as `Path`.
const WRITABLE_DIRECTORIES: [&str; 2] = ["/tmp/", "/var/tmp/"];
/// Files present on every Linux and macOS system: `FilePath` requires the file to exist.
const EXISTING_FILES: [&str; 5] = [
    "/etc/hosts",
    "/etc/passwd",
    "/etc/group",
    "/bin/sh",
    "/usr/bin/env",
];
/// Directories present on every Linux and macOS system: `DirectoryPath` requires them.
const EXISTING_DIRECTORIES: [&str; 9] = [
    "/", "/tmp", "/etc", "/usr", "/usr/bin", "/usr/lib", "/var", "/var/tmp", "/bin",
];
const TIME_ZONES: [&str; 16] = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "Africa/Lagos",
];
const REGEX_CLASSES: [&str; 8] = [
    "[A-Z]", "[a-z]", "[0-9]", "\\d", "[a-z0-9]", "[A-Za-z]", "\\w", "[a-f0-9]",
];
const REGEX_SEPARATORS: [&str; 5] = ["-", "_", "\\.", ":", "/"];

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64URL_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Letters and digits without look-alikes (0/O, 1/l/I), plus symbols that need no
/// escaping in JSON, CSV or a shell.
const PASSWORD_CHARS: &[u8] =
    b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@#$%&*?-_";
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Share of IPv4 values in the `ipvany*` formats.
const IPV4_SHARE: f64 = 0.7;

fn pick<'a>(rng: &mut SynthRng, words: &[&'a str]) -> &'a str {
    words[rng.random_range(0..words.len())]
}

fn push_number(value: u64, out: &mut String) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Appends text assembled in a byte buffer from ASCII tables.
fn push_ascii(text: &[u8], out: &mut String) {
    out.push_str(std::str::from_utf8(text).expect("built from ASCII tables only"));
}

/// `192.168.4.17`.
fn push_ipv4(address: u32, out: &mut String) {
    for (i, octet) in address.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_number(u64::from(octet), out);
    }
}

/// The canonical text of an IPv6 address (RFC 5952), as `Ipv6Addr`'s `Display` writes
/// it, without the formatting machinery (ten times slower): lowercase hex without
/// leading zeros, the longest run of two or more zero groups (the first, on a tie) as
/// `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
fn push_ipv6(address: u128, out: &mut String) {
    const MAPPED: u128 = 0xffff << 32;
    if address >> 32 == MAPPED >> 32 {
        out.push_str("::ffff:");
        push_ipv4(address as u32, out);
        return;
    }
    let groups: [u16; 8] = std::array::from_fn(|i| (address >> (112 - 16 * i)) as u16);
    // The longest run of zero groups: (start, length).
    let (mut zeros, mut i) = ((0, 0), 0);
    while i < groups.len() {
        let start = i;
        while i < groups.len() && groups[i] == 0 {
            i += 1;
        }
        if i - start > zeros.1 {
            zeros = (start, i - start);
        }
        i += 1;
    }
    let push_groups = |groups: &[u16], out: &mut String| {
        for (i, &group) in groups.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            push_hex(group, out);
        }
    };
    if zeros.1 < 2 {
        push_groups(&groups, out);
    } else {
        push_groups(&groups[..zeros.0], out);
        out.push_str("::");
        push_groups(&groups[zeros.0 + zeros.1..], out);
    }
}

/// Lowercase hex digits of `value`, without leading zeros.
fn push_hex(value: u16, out: &mut String) {
    let digits = (16 - value.leading_zeros()).div_ceil(4).max(1);
    for d in (0..digits).rev() {
        out.push(char::from(
            HEX_DIGITS[usize::from((value >> (4 * d)) & 0xF)],
        ));
    }
}

// ---------------------------------------------------------------------------------------
// Lengths. A `Span` is the range of code-point lengths of one piece of a value; pieces
// combine with `then` (one after the other) and `or` (one of the two).

#[derive(Debug, Clone, Copy)]
struct Span {
    min: usize,
    max: usize,
}

impl Span {
    const fn fixed(length: usize) -> Self {
        Self {
            min: length,
            max: length,
        }
    }

    const fn between(min: usize, max: usize) -> Self {
        Self { min, max }
    }

    /// Lengths of the words of a vocabulary.
    const fn of(words: &[&str]) -> Self {
        let mut span = Self {
            min: usize::MAX,
            max: 0,
        };
        let mut i = 0;
        while i < words.len() {
            let length = char_count(words[i]);
            if length < span.min {
                span.min = length;
            }
            if length > span.max {
                span.max = length;
            }
            i += 1;
        }
        span
    }

    /// Decimal lengths of the integers in `lo..=hi`.
    const fn digits(lo: u64, hi: u64) -> Self {
        Self::between(decimal_length(lo), decimal_length(hi))
    }

    const fn then(self, next: Self) -> Self {
        Self::between(self.min + next.min, self.max + next.max)
    }

    const fn then_text(self, text: &str) -> Self {
        self.then(Self::fixed(char_count(text)))
    }

    const fn or(self, other: Self) -> Self {
        Self::between(
            if self.min < other.min {
                self.min
            } else {
                other.min
            },
            if self.max > other.max {
                self.max
            } else {
                other.max
            },
        )
    }

    /// This piece or nothing.
    const fn optional(self) -> Self {
        Self::between(0, self.max)
    }

    /// This piece `lo..=hi` times.
    const fn repeat(self, lo: usize, hi: usize) -> Self {
        Self::between(self.min * lo, self.max * hi)
    }
}

const fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Count every byte that is not a UTF-8 continuation byte.
        if bytes[i] & 0xC0 != 0x80 {
            count += 1;
        }
        i += 1;
    }
    count
}

const fn decimal_length(mut value: u64) -> usize {
    let mut length = 1;
    while value >= 10 {
        value /= 10;
        length += 1;
    }
    length
}

// ---------------------------------------------------------------------------------------
// People and email.

#[derive(Clone, Copy)]
struct Person {
    first: &'static str,
    last: &'static str,
}

impl Person {
    fn draw(rng: &mut SynthRng) -> Self {
        Self {
            first: pick(rng, &FIRST_NAMES),
            last: pick(rng, &LAST_NAMES),
        }
    }
}

const FIRST: Span = Span::of(&FIRST_NAMES);
const LAST: Span = Span::of(&LAST_NAMES);
const EMAIL_NUMBER: Span = Span::digits(10, 99);
/// `maria.lopez`, `maria_lopez`, `mlopez`, `maria.lopez42`.
const EMAIL_LOCAL: Span = FIRST
    .then_text(".")
    .then(LAST)
    .or(Span::fixed(1).then(LAST))
    .or(FIRST.then_text(".").then(LAST).then(EMAIL_NUMBER));
const EMAIL_DOMAIN: Span = Span::of(&EMAIL_SUBDOMAINS)
    .then_text(".")
    .optional()
    .then(Span::of(&EXAMPLE_DOMAINS));
const EMAIL: Span = EMAIL_LOCAL.then_text("@").then(EMAIL_DOMAIN);

fn push_email(rng: &mut SynthRng, person: Person, out: &mut String) {
    match rng.random_range(0..4) {
        0 => {
            out.push_str(person.first);
            out.push('.');
            out.push_str(person.last);
        }
        1 => {
            out.push_str(person.first);
            out.push('_');
            out.push_str(person.last);
        }
        2 => {
            out.push_str(&person.first[..1]);
            out.push_str(person.last);
        }
        _ => {
            out.push_str(person.first);
            out.push('.');
            out.push_str(person.last);
            push_number(rng.random_range(10..=99), out);
        }
    }
    out.push('@');
    push_email_domain(rng, out);
}

fn push_email_domain(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.3) {
        out.push_str(pick(rng, &EMAIL_SUBDOMAINS));
        out.push('.');
    }
    out.push_str(pick(rng, &EXAMPLE_DOMAINS));
}

const NAME_EMAIL: Span = FIRST
    .then_text(" ")
    .then(LAST)
    .then_text(" <")
    .then(EMAIL)
    .then_text(">");

/// `Maria Lopez <maria.lopez@example.com>`: the name matches the address.
fn push_name_email(rng: &mut SynthRng, out: &mut String) {
    let person = Person::draw(rng);
    push_capitalized(person.first, out);
    out.push(' ');
    push_capitalized(person.last, out);
    out.push_str(" <");
    push_email(rng, person, out);
    out.push('>');
}

fn push_capitalized(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

const IDN_EMAIL: Span = Span::of(&IDN_FIRST_NAMES)
    .then_text(".")
    .then(Span::of(&IDN_LAST_NAMES))
    .then_text("@")
    .then(
        Span::of(&IDN_LABELS)
            .then_text(".")
            .or(Span::of(&EMAIL_SUBDOMAINS).then_text("."))
            .optional(),
    )
    .then(Span::of(&EXAMPLE_DOMAINS));

/// `jürgen.núñez@café.example.com`.
fn push_idn_email(rng: &mut SynthRng, out: &mut String) {
    out.push_str(pick(rng, &IDN_FIRST_NAMES));
    out.push('.');
    out.push_str(pick(rng, &IDN_LAST_NAMES));
    out.push('@');
    match rng.random_range(0..3) {
        0 => {
            out.push_str(pick(rng, &IDN_LABELS));
            out.push('.');
        }
        1 => {
            out.push_str(pick(rng, &EMAIL_SUBDOMAINS));
            out.push('.');
        }
        _ => {}
    }
    out.push_str(pick(rng, &EXAMPLE_DOMAINS));
}

// ---------------------------------------------------------------------------------------
// Hosts and URLs.

const HOSTNAME: Span = Span::of(&REGION_LABELS)
    .then_text(".")
    .optional()
    .then(Span::of(&HOST_LABELS))
    .then_text(".")
    .then(Span::of(&EXAMPLE_DOMAINS));

/// `api.example.net`, `eu-west.cdn.example.com`.
fn push_hostname(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.2) {
        out.push_str(pick(rng, &REGION_LABELS));
        out.push('.');
    }
    out.push_str(pick(rng, &HOST_LABELS));
    out.push('.');
    out.push_str(pick(rng, &EXAMPLE_DOMAINS));
}

const IDN_HOSTNAME: Span = Span::of(&IDN_LABELS)
    .then_text(".")
    .then(Span::of(&EXAMPLE_DOMAINS))
    .or(HOSTNAME);

/// `bücher.example.org`, sometimes a plain ASCII host.
fn push_idn_hostname(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.25) {
        push_hostname(rng, out);
    } else {
        out.push_str(pick(rng, &IDN_LABELS));
        out.push('.');
        out.push_str(pick(rng, &EXAMPLE_DOMAINS));
    }
}

const RESOURCE_ID: Span = Span::digits(1, 99_999);
/// `/orders/4821`, `/docs/settings`: one to three segments, maybe an id.
const URL_PATH: Span = Span::fixed(1)
    .then(Span::of(&PATH_WORDS))
    .then(Span::fixed(1).then(Span::of(&PATH_WORDS)).repeat(0, 2))
    .then(Span::fixed(1).then(RESOURCE_ID).optional());
const URL_QUERY: Span = Span::fixed(1)
    .then(Span::of(&QUERY_KEYS))
    .then_text("=")
    .then(Span::of(&QUERY_VALUES))
    .optional();
const URI: Span = Span::of(&["http://", "https://"])
    .then(HOSTNAME)
    .then(URL_PATH)
    .then(URL_QUERY);
const URI_REFERENCE: Span = URI.or(URL_PATH.then(URL_QUERY));

/// `https://shop.example.com/items/4821?ref=mail`: http(s) with a host, as `HttpUrl` needs.
fn push_uri(rng: &mut SynthRng, out: &mut String) {
    out.push_str(if rng.random_bool(0.85) {
        "https://"
    } else {
        "http://"
    });
    push_hostname(rng, out);
    push_url_path(rng, &PATH_WORDS, out);
    push_url_query(rng, out);
}

fn push_url_path(rng: &mut SynthRng, words: &[&str], out: &mut String) {
    for _ in 0..rng.random_range(1..=3) {
        out.push('/');
        out.push_str(pick(rng, words));
    }
    if rng.random_bool(0.5) {
        out.push('/');
        push_number(rng.random_range(1..=99_999), out);
    }
}

fn push_url_query(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.3) {
        out.push('?');
        out.push_str(pick(rng, &QUERY_KEYS));
        out.push('=');
        out.push_str(pick(rng, &QUERY_VALUES));
    }
}

/// A full URI or an absolute path such as `/orders/4821?page=2`.
fn push_uri_reference(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.5) {
        push_uri(rng, out);
    } else {
        push_url_path(rng, &PATH_WORDS, out);
        push_url_query(rng, out);
    }
}

const IRI_PATH: Span = Span::fixed(1)
    .then(Span::of(&IDN_PATH_WORDS))
    .repeat(1, 3)
    .then(Span::fixed(1).then(RESOURCE_ID).optional());
const IRI: Span = Span::of(&["https://"]).then(IDN_HOSTNAME).then(IRI_PATH);
const IRI_REFERENCE: Span = IRI.or(IRI_PATH);

/// `https://café.example.com/menü/42`.
fn push_iri(rng: &mut SynthRng, out: &mut String) {
    out.push_str("https://");
    push_idn_hostname(rng, out);
    push_url_path(rng, &IDN_PATH_WORDS, out);
}

fn push_iri_reference(rng: &mut SynthRng, out: &mut String) {
    if rng.random_bool(0.5) {
        push_iri(rng, out);
    } else {
        push_url_path(rng, &IDN_PATH_WORDS, out);
    }
}

const TEMPLATE_VARIABLE: Span = Span::of(&TEMPLATE_VARIABLES);
const URI_TEMPLATE: Span = Span::of(&["https://"])
    .then(HOSTNAME)
    .then_text("/")
    .then(Span::of(&PATH_WORDS))
    .then_text("/{")
    .then(TEMPLATE_VARIABLE)
    .then_text("}")
    .then(
        Span::of(&["{?"])
            .then(TEMPLATE_VARIABLE)
            .then_text(",")
            .then(TEMPLATE_VARIABLE)
            .then_text("}")
            .optional(),
    );

/// `https://api.example.com/orders/{id}{?page,limit}` (RFC 6570).
fn push_uri_template(rng: &mut SynthRng, out: &mut String) {
    out.push_str("https://");
    push_hostname(rng, out);
    out.push('/');
    out.push_str(pick(rng, &PATH_WORDS));
    out.push_str("/{");
    out.push_str(pick(rng, &TEMPLATE_VARIABLES));
    out.push('}');
    if rng.random_bool(0.5) {
        out.push_str("{?");
        out.push_str(pick(rng, &TEMPLATE_VARIABLES));
        out.push(',');
        out.push_str(pick(rng, &TEMPLATE_VARIABLES));
        out.push('}');
    }
}

const MULTI_HOST_URI: Span = Span::of(&["postgresql://"])
    .then(FIRST)
    .then_text("@db1.")
    .then(Span::of(&EXAMPLE_DOMAINS))
    .then_text(":5432")
    .then(
        Span::of(&[",db2."])
            .then(Span::of(&EXAMPLE_DOMAINS))
            .then_text(":5432")
            .optional(),
    )
    .then_text("/")
    .then(Span::of(&DATABASE_NAMES));

/// `postgresql://maria@db1.example.net:5432,db2.example.net:5432/orders`: pydantic's
/// multi-host DSNs; PostgreSQL is by far the most common one.
fn push_multi_host_uri(rng: &mut SynthRng, out: &mut String) {
    out.push_str("postgresql://");
    out.push_str(pick(rng, &FIRST_NAMES));
    let domain = pick(rng, &EXAMPLE_DOMAINS);
    out.push_str("@db1.");
    out.push_str(domain);
    out.push_str(":5432");
    if rng.random_bool(0.3) {
        out.push_str(",db2.");
        out.push_str(domain);
        out.push_str(":5432");
    }
    out.push('/');
    out.push_str(pick(rng, &DATABASE_NAMES));
}

// ---------------------------------------------------------------------------------------
// IP addresses, interfaces and networks.

const IPV4: Span = Span::between("1.0.0.1".len(), "255.255.255.255".len());
/// The shortest canonical text of the templates in [`draw_ipv6`] is `fe80::` plus one
/// hex digit; the longest is eight full groups.
const IPV6: Span = Span::between("fe80::1".len(), 39);
const IPV4_INTERFACE: Span = IPV4.then_text("/24");
const IPV4_NETWORK: Span = Span::between("1.0.0.0".len(), IPV4.max).then_text("/24");
const IPV6_INTERFACE: Span = IPV6.then(Span::between(3, 4));
/// A network at /32 may keep only its first group or two (`fd12::/32`).
const IPV6_NETWORK: Span = Span::between("fd00::".len(), IPV6.max).then(Span::between(3, 4));

/// /16 to /28: as narrow as 192.168.0.0/16, so a network drawn from a private block
/// stays inside it.
const IPV4_PREFIXES: [u8; 8] = [16, 20, 22, 24, 24, 24, 26, 28];
const IPV6_PREFIXES: [u8; 8] = [32, 48, 56, 64, 64, 64, 96, 112];

/// A plausible IPv4 address: mostly private ranges (as in logs and inventories), some
/// public-looking ones; never 0, 127 or multicast, never a .0 or .255 host.
fn draw_ipv4(rng: &mut SynthRng) -> u32 {
    let host = rng.random_range(1..=254_u32);
    let middle = rng.random_range(0..=0xFFFF_u32);
    match rng.random_range(0..10) {
        0..=2 => 0x0A00_0000 | middle << 8 | host, // 10.x.y.z
        3..=5 => 0xC0A8_0000 | (middle & 0xFF) << 8 | host, // 192.168.y.z
        6 => 0xAC10_0000 | (middle & 0x0FFF) << 8 | host, // 172.16-31.y.z
        _ => {
            let first = loop {
                let first = rng.random_range(1..=223_u32);
                if first != 10 && first != 127 {
                    break first;
                }
            };
            first << 24 | rng.random_range(0..=0xFF_u32) << 16 | middle & 0xFF00 | host
        }
    }
}

/// A plausible IPv6 address: documentation (2001:db8::/32), link-local or unique-local,
/// with either a random interface id or a small one (`::1f`) as admins assign.
fn draw_ipv6(rng: &mut SynthRng) -> u128 {
    let interface: u128 = if rng.random_bool(0.6) {
        u128::from(rng.random::<u64>() | 1)
    } else {
        u128::from(rng.random_range(1..=0xFFFF_u64))
    };
    let subnet = u128::from(rng.random::<u16>());
    match rng.random_range(0..3) {
        0 => {
            0x2001_0db8_u128 << 96
                | u128::from(rng.random::<u16>()) << 80
                | subnet << 64
                | interface
        }
        1 => 0xfe80_u128 << 112 | interface,
        _ => {
            let global_id = u128::from(rng.random::<u64>() & 0xFF_FFFF_FFFF);
            0xfd_u128 << 120 | global_id << 80 | subnet << 64 | interface
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PrefixKind {
    /// An address with its prefix length, e.g. `192.168.4.17/24`.
    Interface,
    /// A network address (host bits zero, as `ipaddress` requires), e.g. `192.168.4.0/24`.
    Network,
}

fn push_ip_prefix(rng: &mut SynthRng, v4: bool, kind: PrefixKind, out: &mut String) {
    let prefix;
    if v4 {
        prefix = IPV4_PREFIXES[rng.random_range(0..IPV4_PREFIXES.len())];
        let mut address = draw_ipv4(rng);
        if kind == PrefixKind::Network {
            address &= u32::MAX << (32 - prefix);
        }
        push_ipv4(address, out);
    } else {
        prefix = IPV6_PREFIXES[rng.random_range(0..IPV6_PREFIXES.len())];
        let mut address = draw_ipv6(rng);
        if kind == PrefixKind::Network {
            address &= u128::MAX << (128 - prefix);
        }
        push_ipv6(address, out);
    }
    out.push('/');
    push_number(u64::from(prefix), out);
}

// ---------------------------------------------------------------------------------------
// Identifiers and encodings.

/// A UUID of the given version with the RFC 9562 variant. Version 7 carries a real
/// millisecond timestamp (within the default date-time range) so values sort by time;
/// the others are random bits under their version number, which is all a validator
/// can check.
fn push_uuid(rng: &mut SynthRng, version: u8, out: &mut String) {
    let mut bits: u128 = rng.random();
    if version == 7 {
        let (lo, hi) = TemporalKind::DateTime.default_range();
        let millis = rng.random_range(lo * 1000..=hi * 1000 + 999) as u128;
        bits = millis << 80 | bits & ((1 << 80) - 1);
    }
    bits = bits & !(0xF << 76) | u128::from(version) << 76;
    bits = bits & !(0b11 << 62) | 0b10 << 62;
    let mut text = *b"00000000-0000-0000-0000-000000000000";
    for (byte, &position) in bits.to_be_bytes().iter().zip(&UUID_BYTE_POSITIONS) {
        text[position] = HEX_DIGITS[usize::from(byte >> 4)];
        text[position + 1] = HEX_DIGITS[usize::from(byte & 0xF)];
    }
    push_ascii(&text, out);
}

/// Where each byte's two hex digits start in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const UUID_BYTE_POSITIONS: [usize; 16] =
    [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/// Base64 of 6 to 48 random bytes; a multiple of 3 bytes, so no `=` padding.
const BASE64: Span = Span::between(8, 64);

fn push_base64(rng: &mut SynthRng, alphabet: &[u8; 64], out: &mut String) {
    let mut text = [0; BASE64.max];
    let text = &mut text[..4 * rng.random_range(BASE64.min / 4..=BASE64.max / 4)];
    // One 64-bit draw gives ten 6-bit characters.
    for chunk in text.chunks_mut(10) {
        let mut bits: u64 = rng.random();
        for character in chunk {
            *character = alphabet[(bits & 63) as usize];
            bits >>= 6;
        }
    }
    push_ascii(text, out);
}

const PASSWORD: Span = Span::between(12, 16);

fn push_password(rng: &mut SynthRng, out: &mut String) {
    for _ in 0..rng.random_range(PASSWORD.min..=PASSWORD.max) {
        out.push(char::from(
            PASSWORD_CHARS[rng.random_range(0..PASSWORD_CHARS.len())],
        ));
    }
}

const PATH: Span = Span::of(&WRITABLE_DIRECTORIES)
    .then(Span::of(&FILE_WORDS))
    .then_text("-")
    .then(Span::digits(1, 9_999))
    .then_text(".")
    .then(Span::of(&FILE_EXTENSIONS));

/// `/tmp/report-4821.csv`.
fn push_path(rng: &mut SynthRng, out: &mut String) {
    out.push_str(pick(rng, &WRITABLE_DIRECTORIES));
    out.push_str(pick(rng, &FILE_WORDS));
    out.push('-');
    push_number(rng.random_range(1..=9_999), out);
    out.push('.');
    out.push_str(pick(rng, &FILE_EXTENSIONS));
}

const FRACTION: Span = Span::digits(1, 11).then_text("/").then(Span::digits(2, 12));

/// A proper fraction with a small denominator: `3/4`, `5/12`.
fn push_fraction(rng: &mut SynthRng, out: &mut String) {
    let denominator = rng.random_range(2..=12_u64);
    push_number(rng.random_range(1..denominator), out);
    out.push('/');
    push_number(denominator, out);
}

/// `#1f77b4`.
fn push_color(rng: &mut SynthRng, out: &mut String) {
    let rgb: u32 = rng.random_range(0..=0xFF_FFFF);
    let mut text = *b"#000000";
    for (nibble, character) in (0..6).rev().zip(&mut text[1..]) {
        *character = HEX_DIGITS[(rgb >> (nibble * 4)) as usize & 0xF];
    }
    push_ascii(&text, out);
}

// ---------------------------------------------------------------------------------------
// Durations, JSON pointers and regexes.

/// `P3D`, `PT45M`, `P2W`, `P3DT4H12M`, `PT1H30M15S`: whole days and smaller units only
/// (years and months have no fixed length, so a `timedelta` cannot hold them exactly).
const DURATION: Span = Span::between("P1D".len(), "P30DT23H59M".len());

fn push_duration(rng: &mut SynthRng, out: &mut String) {
    let days = rng.random_range(1..=30);
    let hours = rng.random_range(1..=23);
    let minutes = rng.random_range(1..=59);
    let seconds = rng.random_range(1..=59);
    let (days, hours, minutes, seconds) = match rng.random_range(0..8) {
        0 => (days, 0, 0, 0),
        1 => (0, hours, minutes, 0),
        2 => (days, hours, 0, 0),
        3 => (0, 0, minutes, 0),
        4 => (0, 0, 0, seconds),
        5 => (days, hours, minutes, 0),
        6 => (0, hours, minutes, seconds),
        _ => {
            out.push('P');
            push_number(rng.random_range(1..=8), out);
            out.push('W');
            return;
        }
    };
    out.push('P');
    if days > 0 {
        push_number(days, out);
        out.push('D');
    }
    if hours + minutes + seconds > 0 {
        out.push('T');
        for (value, unit) in [(hours, 'H'), (minutes, 'M'), (seconds, 'S')] {
            if value > 0 {
                push_number(value, out);
                out.push(unit);
            }
        }
    }
}

/// One pointer segment: a property name or an array index.
const POINTER_SEGMENT: Span = Span::fixed(1).then(Span::of(&POINTER_WORDS).or(Span::digits(0, 9)));
const JSON_POINTER: Span = POINTER_SEGMENT.repeat(1, 4);
const RELATIVE_JSON_POINTER: Span =
    Span::digits(0, 3).then(JSON_POINTER.or(Span::fixed(1)).or(Span::fixed(0)));

/// `/orders/3/items/0/sku`.
fn push_json_pointer(rng: &mut SynthRng, out: &mut String) {
    for _ in 0..rng.random_range(1..=4) {
        out.push('/');
        if rng.random_bool(0.3) {
            push_number(rng.random_range(0..=9), out);
        } else {
            out.push_str(pick(rng, &POINTER_WORDS));
        }
    }
}

/// `0`, `1/email`, `2#`.
fn push_relative_json_pointer(rng: &mut SynthRng, out: &mut String) {
    push_number(rng.random_range(0..=3), out);
    match rng.random_range(0..4) {
        0 => out.push('#'),
        1 => {}
        _ => push_json_pointer(rng, out),
    }
}

/// One regex part: a class with a quantifier `{n}`, `{n,m}` (n < m ≤ 9) or `+`.
const REGEX_PART: Span = Span::of(&REGEX_CLASSES).then(Span::fixed(1).or(Span::between(3, 5)));
/// `^[A-Z]{3}-\d{4}$`: anchored, one to three parts joined by separators.
const REGEX: Span = Span::fixed(2)
    .then(REGEX_PART)
    .then(Span::of(&REGEX_SEPARATORS).then(REGEX_PART).repeat(0, 2));

fn push_regex(rng: &mut SynthRng, out: &mut String) {
    out.push('^');
    for part in 0..rng.random_range(1..=3) {
        if part > 0 {
            out.push_str(pick(rng, &REGEX_SEPARATORS));
        }
        out.push_str(pick(rng, &REGEX_CLASSES));
        match rng.random_range(0..3) {
            0 => out.push('+'),
            1 => {
                out.push('{');
                push_number(rng.random_range(1..=9), out);
                out.push('}');
            }
            _ => {
                let low = rng.random_range(1..=8);
                out.push('{');
                push_number(low, out);
                out.push(',');
                push_number(rng.random_range(low + 1..=9), out);
                out.push('}');
            }
        }
    }
    out.push('$');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_util::draw_strings;
    use serde_json::{Value, json};
    use std::net::IpAddr;

    const SAMPLES: usize = 1_000;

    fn draw(format: Format, key: u64, count: usize) -> Vec<String> {
        draw_strings(key, count, |rng, out| format.generate(rng, out))
    }

    #[test]
    fn plain_formats_need_no_escapes() {
        for format in ALL_FORMATS.iter().filter(|f| f.never_escapes()) {
            for value in draw(*format, 11, 20 * SAMPLES) {
                assert!(
                    !crate::sink::needs_escape(value.as_bytes()),
                    "{}: {value:?}",
                    format.name()
                );
            }
        }
    }

    /// A validator that asserts `format` (2020-12), or `None` when the jsonschema crate
    /// does not know the format (it then accepts anything).
    fn crate_validator(name: &str) -> Option<jsonschema::Validator> {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "string",
            "format": name,
        });
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        // A value no format accepts (not even `regex`: the bracket is unclosed) tells
        // whether the crate checks this one.
        let knows_format = !validator.is_valid(&json!("[\u{1}not a valid value"));
        knows_format.then_some(validator)
    }

    fn is_email(value: &str) -> bool {
        crate_validator("email").is_some_and(|v| v.is_valid(&Value::from(value)))
    }

    fn is_hostname(value: &str) -> bool {
        crate_validator("hostname").is_some_and(|v| v.is_valid(&Value::from(value)))
    }

    /// `address/prefix`; for a network, the host bits must be zero.
    fn is_ip_prefix(value: &str, v4: Option<bool>, network: bool) -> bool {
        let Some((address, prefix)) = value.split_once('/') else {
            return false;
        };
        let (Ok(address), Ok(prefix)) = (address.parse::<IpAddr>(), prefix.parse::<u32>()) else {
            return false;
        };
        let host_bits_zero = match address {
            IpAddr::V4(a) => prefix <= 32 && u32::from(a).checked_shl(prefix).unwrap_or(0) == 0,
            IpAddr::V6(a) => prefix <= 128 && u128::from(a).checked_shl(prefix).unwrap_or(0) == 0,
        };
        v4.is_none_or(|v4| v4 == address.is_ipv4()) && (!network || host_bits_zero)
    }

    /// Checks for the formats only pydantic knows, mirroring what its types accept.
    fn pydantic_check(format: Format, value: &str) -> bool {
        let uuid_version = |version: char| {
            let chars: Vec<char> = value.chars().collect();
            crate_validator("uuid").is_some_and(|v| v.is_valid(&Value::from(value)))
                && chars[14] == version
                && matches!(chars[19], '8' | '9' | 'a' | 'b')
        };
        let is_base64 = |alphabet: &[u8; 64]| {
            value.len().is_multiple_of(4) && value.bytes().all(|b| alphabet.contains(&b))
        };
        match format {
            Format::IpvAnyAddress => value.parse::<IpAddr>().is_ok(),
            Format::IpvAnyInterface => is_ip_prefix(value, None, false),
            Format::IpvAnyNetwork => is_ip_prefix(value, None, true),
            Format::Ipv4Interface => is_ip_prefix(value, Some(true), false),
            Format::Ipv6Interface => is_ip_prefix(value, Some(false), false),
            Format::Ipv4Network => is_ip_prefix(value, Some(true), true),
            Format::Ipv6Network => is_ip_prefix(value, Some(false), true),
            Format::NameEmail => value
                .strip_suffix('>')
                .and_then(|v| v.split_once(" <"))
                .is_some_and(|(name, email)| {
                    name.split(' ').all(|w| w.starts_with(char::is_uppercase)) && is_email(email)
                }),
            Format::MultiHostUri => value
                .strip_prefix("postgresql://")
                .and_then(|rest| rest.split_once('@'))
                .and_then(|(user, rest)| Some((user, rest.split_once('/')?)))
                .is_some_and(|(user, (hosts, database))| {
                    !user.is_empty()
                        && !database.is_empty()
                        && hosts.split(',').all(|host| {
                            host.split_once(':').is_some_and(|(name, port)| {
                                is_hostname(name) && port.parse::<u16>().is_ok()
                            })
                        })
                }),
            Format::Uuid1 => uuid_version('1'),
            Format::Uuid3 => uuid_version('3'),
            Format::Uuid4 => uuid_version('4'),
            Format::Uuid5 => uuid_version('5'),
            Format::Uuid6 => uuid_version('6'),
            Format::Uuid7 => uuid_version('7'),
            Format::Uuid8 => uuid_version('8'),
            Format::Binary | Format::Base64 => is_base64(BASE64_ALPHABET),
            Format::Base64Url => is_base64(BASE64URL_ALPHABET),
            Format::Password => value.bytes().all(|b| b.is_ascii_graphic()),
            Format::Path => {
                let path = std::path::Path::new(value);
                path.is_absolute()
                    && path.extension().is_some()
                    && path.parent().is_some_and(std::path::Path::is_dir)
            }
            Format::FilePath => std::path::Path::new(value).is_file(),
            Format::DirectoryPath => std::path::Path::new(value).is_dir(),
            Format::Fraction => value.split_once('/').is_some_and(|(n, d)| {
                matches!((n.parse::<u32>(), d.parse::<u32>()), (Ok(n), Ok(d)) if 0 < n && n < d)
            }),
            Format::ZoneInfo => {
                value == "UTC"
                    || value.split_once('/').is_some_and(|(area, city)| {
                        [area, city].iter().all(|part| {
                            part.starts_with(|c: char| c.is_ascii_uppercase())
                                && part.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                        })
                    })
            }
            Format::Color => {
                value.len() == 7
                    && value.starts_with('#')
                    && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
            }
            _ => false,
        }
    }

    #[test]
    fn ipv6_text_is_what_display_writes() {
        let mut cases: Vec<u128> = vec![
            0,
            1,
            u128::MAX,
            0xffff << 32 | 0x0102_0304,
            0xfffe << 32 | 0x0102_0304,
            0x0102_0304,
            1 << 112,
            0x2001_0db8_0000_0000_0001_0000_0000_0001,
            0x2001_0db8_0000_0001_0000_0000_0000_0001,
            0x2001_0000_0000_0001_0000_0001_0000_0001,
        ];
        let mut rng = crate::rng::rng_for(6);
        for _ in 0..20_000 {
            let bits: u128 = rng.random();
            // Clear random groups, so that zero runs of every length and place occur.
            let mask: u8 = rng.random();
            let cleared = (0..8)
                .filter(|g| mask & (1 << g) != 0)
                .fold(bits, |a, g| a & !(0xffff << (16 * g)));
            cases.extend([bits, cleared, draw_ipv6(&mut rng)]);
        }
        for address in cases {
            let mut text = String::new();
            push_ipv6(address, &mut text);
            assert_eq!(text, std::net::Ipv6Addr::from(address).to_string());
        }
    }
    #[test]
    fn names_round_trip() {
        for &format in ALL_FORMATS {
            assert_eq!(Format::parse(format.name()), Some(format));
        }
        let mut names: Vec<_> = ALL_FORMATS.iter().map(Format::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL_FORMATS.len());
        assert_eq!(Format::parse("int64"), None);
        assert_eq!(Format::parse("Email"), None);
        assert!(Format::DateTime.is_temporal() && !Format::Email.is_temporal());
    }

    #[test]
    fn every_value_is_valid() {
        for (index, &format) in ALL_FORMATS.iter().enumerate() {
            let validator = crate_validator(format.name());
            assert_eq!(
                validator.is_some(),
                SPEC_FORMATS.contains(&format),
                "the jsonschema crate should check exactly the spec formats: {}",
                format.name()
            );
            for value in draw(format, index as u64, SAMPLES) {
                let valid = match &validator {
                    Some(validator) => validator.is_valid(&Value::from(value.as_str())),
                    None => pydantic_check(format, &value),
                };
                assert!(valid, "{}: {value:?} is invalid", format.name());
            }
        }
    }

    #[test]
    fn lengths_stay_in_declared_range() {
        for &format in ALL_FORMATS {
            let (min, max) = format.length_range();
            let max = max.expect("every format is bounded");
            let (mut seen_min, mut seen_max) = (usize::MAX, 0);
            for value in draw(format, 11, 20_000) {
                let length = value.chars().count();
                assert!(
                    (min..=max).contains(&length),
                    "{}: {value:?} has length {length}, outside {min}..={max}",
                    format.name()
                );
                seen_min = seen_min.min(length);
                seen_max = seen_max.max(length);
            }
            // The declared range should be tight enough to reason with.
            assert!(
                seen_min <= min + 4 && seen_max * 4 >= max * 3,
                "{}: declared {min}..={max}, seen {seen_min}..={seen_max}",
                format.name()
            );
        }
    }

    #[test]
    fn output_is_deterministic_and_varied() {
        for &format in ALL_FORMATS {
            let first = draw(format, 3, 200);
            assert_eq!(first, draw(format, 3, 200), "{}", format.name());
            let mut distinct = first.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let expected = if matches!(format, Format::FilePath | Format::DirectoryPath) {
                5
            } else {
                15
            };
            assert!(
                distinct.len() >= expected,
                "{}: only {} distinct",
                format.name(),
                distinct.len()
            );
        }
    }

    #[test]
    fn values_look_like_the_examples() {
        let samples = |format: Format| draw(format, 5, 50);
        assert!(
            samples(Format::Email)
                .iter()
                .all(|v| v.ends_with(".com") || v.ends_with(".net") || v.ends_with(".org"))
        );
        assert!(samples(Format::Uri).iter().all(|v| v.starts_with("http")));
        assert!(
            samples(Format::Uuid7)
                .windows(2)
                .any(|w| w[0][..8] != w[1][..8])
        );
        // uuid7 holds a real timestamp in the default date-time range (2020..=2026).
        for value in samples(Format::Uuid7) {
            let millis = u64::from_str_radix(&value[..8], 16).unwrap() << 16
                | u64::from_str_radix(&value[9..13], 16).unwrap();
            assert!(
                (1_577_836_800_000..1_798_761_600_000).contains(&millis),
                "{value}"
            );
        }
    }
}
