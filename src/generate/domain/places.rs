//! Real places per locale: cities with the region (state, province, prefecture, ...)
//! they lie in, and the region's abbreviation where the country uses one (`CA`, `BY`,
//! `SP`, Turkey's plate codes).
//!
//! The data is one text file per locale in `places/`, a place a line: `city | region`
//! or `city | region | abbreviation`; `#` starts a comment line. A place is kept whole
//! as a [`Place`], so that an address can later draw its city and state together; today
//! the `city` domain draws a place's city, and `state` / `state_abbr` a region.

use std::sync::LazyLock;

use super::Locale;

/// One real city and the region it lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub city: &'static str,
    pub region: &'static str,
    /// The region's abbreviation, where the country writes one in addresses.
    pub region_abbr: Option<&'static str>,
}

/// A locale's places, with their regions and abbreviations listed once each.
#[derive(Debug)]
pub struct Places {
    pub places: Vec<Place>,
    pub cities: Vec<&'static str>,
    pub regions: Vec<&'static str>,
    /// Empty where the country uses no abbreviations.
    pub region_abbrs: Vec<&'static str>,
}

/// The data file of each locale, in [`Locale::ALL`]'s order.
const FILES: [(Locale, &str); 14] = [
    (Locale::En, include_str!("places/en.txt")),
    (Locale::FrFr, include_str!("places/fr_FR.txt")),
    (Locale::DeDe, include_str!("places/de_DE.txt")),
    (Locale::ItIt, include_str!("places/it_IT.txt")),
    (Locale::NlNl, include_str!("places/nl_NL.txt")),
    (Locale::PtBr, include_str!("places/pt_BR.txt")),
    (Locale::PtPt, include_str!("places/pt_PT.txt")),
    (Locale::JaJp, include_str!("places/ja_JP.txt")),
    (Locale::ZhCn, include_str!("places/zh_CN.txt")),
    (Locale::ZhTw, include_str!("places/zh_TW.txt")),
    (Locale::ArSa, include_str!("places/ar_SA.txt")),
    (Locale::FaIr, include_str!("places/fa_IR.txt")),
    (Locale::TrTr, include_str!("places/tr_TR.txt")),
    (Locale::CyGb, include_str!("places/cy_GB.txt")),
];

static PLACES: LazyLock<Vec<Places>> =
    LazyLock::new(|| FILES.iter().map(|(_, text)| Places::read(text)).collect());

/// The places of `locale`.
pub fn of(locale: Locale) -> &'static Places {
    &PLACES[locale.index()]
}

impl Places {
    fn read(text: &'static str) -> Places {
        let places: Vec<Place> = text.lines().filter_map(parse_line).collect();
        let mut regions: Vec<&'static str> = Vec::new();
        let mut region_abbrs: Vec<&'static str> = Vec::new();
        for place in &places {
            if !regions.contains(&place.region) {
                regions.push(place.region);
            }
            if let Some(abbr) = place.region_abbr
                && !region_abbrs.contains(&abbr)
            {
                region_abbrs.push(abbr);
            }
        }
        Places {
            cities: places.iter().map(|p| p.city).collect(),
            places,
            regions,
            region_abbrs,
        }
    }
}

/// `city | region` or `city | region | abbreviation`; `None` for comments, blank lines
/// and lines of another shape (the tests assert there are none).
fn parse_line(line: &'static str) -> Option<Place> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut parts = line.split('|').map(str::trim);
    let (city, region) = (parts.next()?, parts.next()?);
    let region_abbr = parts.next();
    if city.is_empty() || region.is_empty() || parts.next().is_some() {
        return None;
    }
    Some(Place {
        city,
        region,
        region_abbr: region_abbr.filter(|a| !a.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every data line is a place, every locale has at least 40, and none needs
    /// escaping in JSON, CSV quoting aside.
    #[test]
    fn every_locale_has_forty_real_places() {
        for (locale, text) in FILES {
            assert_eq!(of(locale).places.len(), Places::read(text).places.len());
            let lines = text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            for line in lines {
                assert!(parse_line(line).is_some(), "{}: {line:?}", locale.name());
            }
            let places = of(locale);
            assert!(places.places.len() >= 40, "{}", locale.name());
            for place in &places.places {
                for text in [place.city, place.region] {
                    assert!(
                        !text
                            .chars()
                            .any(|c| c.is_control() || c == '"' || c == '\\'),
                        "{text:?}"
                    );
                }
            }
            // A region's abbreviation is the same wherever it is written.
            for a in &places.places {
                for b in &places.places {
                    if a.region == b.region {
                        assert_eq!(a.region_abbr, b.region_abbr, "{}", a.region);
                    }
                }
            }
        }
    }

    #[test]
    fn files_are_in_locale_order() {
        for (i, (locale, _)) in FILES.iter().enumerate() {
            assert_eq!(locale.index(), i);
        }
    }

    #[test]
    fn places_keep_city_and_region_together() {
        let us = of(Locale::En);
        let boston = us.places.iter().find(|p| p.city == "Boston").unwrap();
        assert_eq!(
            (boston.region, boston.region_abbr),
            ("Massachusetts", Some("MA"))
        );
        // Every US state and DC.
        assert_eq!(us.regions.len(), 51);
        assert_eq!(us.region_abbrs.len(), 51);
        assert_eq!(of(Locale::DeDe).regions.len(), 16);
        assert_eq!(of(Locale::FrFr).regions.len(), 13);
        assert!(of(Locale::FrFr).region_abbrs.is_empty());
        assert_eq!(of(Locale::JaJp).regions.len(), 47);
    }
}
