//! Domain values drawn as parts of one entity, so that the fields of a row agree: a
//! person's first name, last name, full name, email and username, and a place's street,
//! city, state, postcode, country and phone.
//!
//! An entity is a 64-bit key (its object's, mixed with its group's salt: see
//! schema/entities.rs). Each part is drawn from its own sub-stream of that key, so the
//! field showing the city and the field showing the state pick the same place without
//! either storing it, and a field's value does not depend on which other parts the
//! object shows.

use rand::RngExt;

use super::{Domain, Handle, Locale, LocaleTables, Piece, Slot};
use super::{choose, email_domain, pick, places, tables};
use crate::rng::{mix, rng_for};

/// What a field of an entity shows, as compiled: its group's salt, and whether a country
/// field names the entity's own country (a place part beside it) or any country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityRole {
    pub group: u64,
    pub own_country: bool,
}

/// The two kinds of entity a domain can be part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Place,
}

// The sub-streams of an entity key, one per part (`mix` hashes the salt).
const FIRST: u64 = 1;
const LAST: u64 = 2;
const PLACE: u64 = 3;
const EMAIL: u64 = 4;
const USERNAME: u64 = 5;
/// The parts that agree by locale alone (a street, a postcode, a phone) each have a
/// stream of their own too, salted by the domain.
const OTHER: u64 = 6;

/// Each locale's own country, as its addresses write it, and its ISO 3166-1 code.
fn own_country(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::En => ("United States", "US"),
        Locale::FrFr => ("France", "FR"),
        Locale::DeDe => ("Deutschland", "DE"),
        Locale::ItIt => ("Italia", "IT"),
        Locale::NlNl => ("Nederland", "NL"),
        Locale::PtBr => ("Brasil", "BR"),
        Locale::PtPt => ("Portugal", "PT"),
        Locale::JaJp => ("日本", "JP"),
        Locale::ZhCn => ("中国", "CN"),
        Locale::ZhTw => ("臺灣", "TW"),
        Locale::ArSa => ("المملكة العربية السعودية", "SA"),
        Locale::FaIr => ("ایران", "IR"),
        Locale::TrTr => ("Türkiye", "TR"),
        Locale::CyGb => ("Y Deyrnas Unedig", "GB"),
    }
}

impl Domain {
    /// The entity this domain is a part of, if any.
    pub fn entity_kind(self) -> Option<EntityKind> {
        match self {
            Domain::FirstName
            | Domain::LastName
            | Domain::Name
            | Domain::Email
            | Domain::Username => Some(EntityKind::Person),
            Domain::StreetAddress
            | Domain::StreetName
            | Domain::City
            | Domain::State
            | Domain::StateAbbr
            | Domain::Country
            | Domain::CountryCode
            | Domain::Postcode
            | Domain::Phone => Some(EntityKind::Place),
            _ => None,
        }
    }

    /// Whether, as part of an entity, this domain says where the place is (beside it, a
    /// country field names the place's own country): not a country or a phone alone.
    pub fn locates(self) -> bool {
        matches!(
            self,
            Domain::StreetAddress
                | Domain::StreetName
                | Domain::City
                | Domain::State
                | Domain::StateAbbr
                | Domain::Postcode
        )
    }

    /// Whether every value drawn as part of an entity has a length (code points) in
    /// `[min, max]`: only then is the field drawn so, since a value that missed would be
    /// drawn again, away from its entity.
    pub fn entity_fits(self, locale: Locale, role: EntityRole, min: usize, max: usize) -> bool {
        let (low, high) = match self {
            Domain::Country | Domain::CountryCode if role.own_country => {
                let (name, code) = own_country(locale);
                let text = if self == Domain::Country { name } else { code };
                (text.chars().count(), text.chars().count())
            }
            // Drawn from each place's own abbreviation: only where every place has one.
            Domain::StateAbbr => {
                let all = &places::of(locale).places;
                if all.iter().any(|p| p.region_abbr.is_none()) {
                    return false;
                }
                all.iter()
                    .filter_map(|p| p.region_abbr)
                    .fold((usize::MAX, 0), |(lo, hi), a| {
                        let n = a.chars().count();
                        (lo.min(n), hi.max(n))
                    })
            }
            _ => self.length_range(locale),
        };
        min <= low && high <= max
    }

    /// Appends this domain's part of the entity of `key`.
    pub fn generate_part(&self, key: u64, locale: Locale, role: EntityRole, out: &mut String) {
        let own = tables(locale);
        match self {
            Domain::FirstName => out.push_str(own.first_names[first(key, own)]),
            Domain::LastName => out.push_str(own.last_names[last(key, own)]),
            Domain::Name => {
                let (f, l) = (first(key, own), last(key, own));
                for piece in &own.name.0 {
                    match piece {
                        Piece::Text(text) => out.push_str(text),
                        Piece::Slot(Slot::FirstName) => out.push_str(own.first_names[f]),
                        Piece::Slot(_) => out.push_str(own.last_names[l]),
                    }
                }
            }
            Domain::Email => {
                let mut rng = rng_for(mix(key, EMAIL));
                handle_of(key, own, &mut rng, out);
                out.push('@');
                email_domain(&mut rng, own, out);
            }
            Domain::Username => {
                let mut rng = rng_for(mix(key, USERNAME));
                handle_of(key, own, &mut rng, out);
            }
            Domain::City | Domain::State | Domain::StateAbbr => {
                let place = *choose(&mut rng_for(mix(key, PLACE)), &places::of(locale).places);
                out.push_str(match self {
                    Domain::City => place.city,
                    Domain::State => place.region,
                    _ => place.region_abbr.unwrap_or(place.region),
                });
            }
            Domain::Country | Domain::CountryCode if role.own_country => {
                let (name, code) = own_country(locale);
                out.push_str(if *self == Domain::Country { name } else { code });
            }
            other => {
                let salt = mix(OTHER, *other as u64);
                other.generate(&mut rng_for(mix(key, salt)), locale, out);
            }
        }
    }
}

fn first(key: u64, own: &LocaleTables) -> usize {
    rng_for(mix(key, FIRST)).random_range(0..own.first_names.len())
}

fn last(key: u64, own: &LocaleTables) -> usize {
    rng_for(mix(key, LAST)).random_range(0..own.last_names.len())
}

/// A username or an email's local part made of the entity's own names, in ASCII; for
/// names with no ASCII spelling (another script), of names of its own, as elsewhere.
fn handle_of(key: u64, own: &LocaleTables, rng: &mut crate::rng::SynthRng, out: &mut String) {
    let folded = own.first_names_folded[first(key, own)]
        .as_deref()
        .zip(own.last_names_folded[last(key, own)].as_deref());
    let (f, l) = match folded {
        Some(names) => names,
        None => (
            pick(rng, &own.ascii_first_names),
            pick(rng, &own.ascii_last_names),
        ),
    };
    choose(rng, &Handle::ALL).write(rng, f, l, out);
}
