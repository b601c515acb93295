//! Entities (src/schema/entities.rs, src/generate/domain/entity.rs): the person and place
//! fields of one object agree — checked per locale by an independent script on 100,000
//! rows — and grouping, the `entity` knob, stability and notes.

mod common;

use std::collections::HashSet;

use serde_json::{Value, json};
use synthtune::Table;

fn table(schema: Value) -> Table {
    Table::from_value(schema.clone(), None).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

fn rows(schema: Value, n: u64) -> Vec<Value> {
    let table = table(schema);
    (0..n)
        .map(|row| table.try_row_value(7, row).expect("a valid row"))
        .collect()
}

/// An object of string fields, all required.
fn object(fields: &[&str], extra: Value) -> Value {
    let mut schema = json!({"type": "object", "properties": {}, "required": fields});
    for field in fields {
        schema["properties"][field] = json!({"type": "string"});
    }
    if let Value::Object(extra) = extra {
        for (k, v) in extra {
            schema[k] = v;
        }
    }
    schema
}

/// Every locale: the city lies in the state, the country is the locale's, the full
/// name, email and username are made of the first and last name (Latin-script
/// locales), on 100,000 exported rows, by scripts/entities_check.py, which reads the
/// places files and folds names on its own.
#[test]
fn names_and_addresses_agree_in_every_locale() {
    let report = common::python_check("entities_check.py", &["-n", "100000", "--seed", "7"]);
    assert_eq!(report.matches(": 100000 rows").count(), 14, "{report}");
}

/// A field's values do not depend on which other parts of its entity the object shows:
/// adding `state` leaves `city` as it was, and a field of no entity is untouched.
#[test]
fn adding_a_part_leaves_the_others_unchanged() {
    let before = rows(object(&["city", "email", "note"], json!({})), 200);
    let after = rows(
        object(&["city", "state", "email", "note", "first_name"], json!({})),
        200,
    );
    for (b, a) in before.iter().zip(&after) {
        for key in ["city", "email", "note"] {
            assert_eq!(b[key], a[key], "{key}");
        }
    }
}

/// Fields group by the words before what their names hold: the billing and the
/// shipping address are two places; `"entity": "billing"` puts a field in the billing
/// group, `"entity": false` draws it on its own.
#[test]
fn fields_group_by_prefix_and_by_the_knob() {
    let mut schema = object(
        &[
            "billing_city",
            "billing_postcode",
            "shipping_city",
            "shipping_postcode",
            "town",
            "other_city",
        ],
        json!({}),
    );
    schema["properties"]["town"]["x-synth"] = json!({"entity": "billing", "domain": "city"});
    schema["properties"]["other_city"]["x-synth"] = json!({"entity": false});
    let records = rows(schema, 500);
    let same = |a: &str, b: &str| records.iter().filter(|r| r[a] == r[b]).count();
    assert_eq!(same("billing_city", "town"), 500);
    // Two places of one locale share a city now and then (the US list has 100 or so).
    assert!(same("billing_city", "shipping_city") < 50);
    assert!(same("billing_city", "other_city") < 50);
}

/// The (city, region) pairs of a locale's places file, read apart from synthtune.
fn places_of(locale: &str) -> HashSet<(String, String)> {
    let path = format!(
        "{}/src/generate/domain/places/{locale}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .expect("the places file")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.split('|').map(str::trim);
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect()
}

/// A locale mix draws one locale per row, in its shares: every name and place field of
/// the row is of that locale (the city in its state, the country the locale's), and a
/// field no locale changes is the same as with one locale.
#[test]
fn a_locale_mix_draws_one_locale_per_row() {
    let fields = [
        "id",
        "first_name",
        "last_name",
        "email",
        "city",
        "state",
        "country",
    ];
    let mut mixed = object(
        &fields,
        json!({"x-synth": {"locale": {"en": 50, "de_DE": 30, "fr_FR": 20}}}),
    );
    mixed["properties"]["id"] = json!({"type": "integer"});
    let mut single = mixed.clone();
    single["x-synth"] = json!({"locale": "fr_FR"});
    let locales = [
        ("en", "United States", places_of("en")),
        ("de_DE", "Deutschland", places_of("de_DE")),
        ("fr_FR", "France", places_of("fr_FR")),
    ];
    let records = rows(mixed, 3000);
    let mut counts = [0usize; 3];
    for r in &records {
        let text = |k: &str| r[k].as_str().unwrap().to_owned();
        let i = locales
            .iter()
            .position(|(_, country, _)| *country == text("country"))
            .unwrap_or_else(|| panic!("a country of the mix: {r}"));
        counts[i] += 1;
        assert!(locales[i].2.contains(&(text("city"), text("state"))), "{r}");
    }
    for (count, share) in counts.iter().zip([0.5, 0.3, 0.2]) {
        let expected = 3000.0 * share;
        assert!(
            (*count as f64 - expected).abs() < 0.1 * expected,
            "{counts:?}"
        );
    }
    for (m, s) in records.iter().zip(rows(single, 3000)) {
        assert_eq!(m["id"], s["id"]);
    }
    for (locale, at) in [
        (json!({"en": 1, "xx_XX": 1}), "/x-synth/locale/xx_XX"),
        (json!({"en": 0, "de_DE": 1}), "/x-synth/locale/en"),
        (json!(["en", "en"]), "/x-synth/locale"),
        (json!([]), "/x-synth/locale"),
        (json!(["en", 3]), "/x-synth/locale/1"),
    ] {
        let schema = object(&["city"], json!({"x-synth": {"locale": locale}}));
        let error = Table::from_value(schema, None).unwrap_err();
        assert_eq!(error.pointer(), Some(at), "{error}");
    }
}

/// A state and a street after the words of a place beside them are that place's
/// (`shipping_state` beside `shipping_city`), and an email named apart (`contact_email`)
/// is the one named person's; an `order_state` stays free text.
#[test]
fn a_shipping_state_and_a_contact_email_join_their_entities() {
    let places = places_of("en");
    let schema = object(
        &[
            "shipping_city",
            "shipping_state",
            "shipping_street",
            "order_state",
            "first_name",
            "last_name",
            "contact_email",
        ],
        json!({}),
    );
    let records = rows(schema.clone(), 500);
    let mut free_text = 0;
    for r in &records {
        let text = |k: &str| r[k].as_str().unwrap().to_owned();
        assert!(
            places.contains(&(text("shipping_city"), text("shipping_state"))),
            "{r}"
        );
        assert!(
            text("shipping_street")
                .chars()
                .next()
                .unwrap()
                .is_ascii_digit(),
            "{r}"
        );
        let email = text("contact_email").to_lowercase();
        let part = |k: &str| text(k).to_lowercase().replace(['\'', ' '], "");
        assert!(
            email.contains(&part("first_name")) || email.contains(&part("last_name")),
            "{r}"
        );
        free_text += usize::from(
            !places
                .iter()
                .any(|(_, state)| *state == text("order_state")),
        );
    }
    assert_eq!(free_text, 500);
    // An entity knob keeps a contact apart.
    let mut apart = schema;
    apart["properties"]["contact_email"]["x-synth"] = json!({"entity": "support"});
    let records = rows(apart, 500);
    let joined = records
        .iter()
        .filter(|r| {
            let email = r["contact_email"].as_str().unwrap().to_lowercase();
            ["first_name", "last_name"]
                .iter()
                .any(|k| email.contains(&r[k].as_str().unwrap().to_lowercase()))
        })
        .count();
    assert!(
        joined < 50,
        "{joined} of 500 emails hold a name of the person"
    );
}

/// A lone `country` is any country; beside a field that locates the place, the place's
/// own. A nullable field takes part, with its nulls.
#[test]
fn a_country_is_the_places_own_only_beside_a_place() {
    let lone: HashSet<String> = rows(object(&["country", "first_name"], json!({})), 300)
        .iter()
        .map(|r| r["country"].as_str().unwrap().to_owned())
        .collect();
    assert!(lone.len() > 50, "{lone:?}");
    let mut schema = object(
        &["country", "city"],
        json!({"x-synth": {"locale": "nl_NL"}}),
    );
    schema["properties"]["country"] = json!({"anyOf": [{"type": "string"}, {"type": "null"}]});
    let records = rows(schema, 300);
    let countries: HashSet<&Value> = records.iter().map(|r| &r["country"]).collect();
    assert_eq!(
        countries,
        HashSet::from([&json!("Nederland"), &Value::Null])
    );
}

/// `check` lists each entity with the knob that turns it off; a bad knob is refused at
/// its pointer, one with no effect is a note.
#[test]
fn check_lists_entities_and_notes_the_knob_where_it_does_nothing() {
    let listed = table(object(&["first_name", "last_name", "email"], json!({})));
    let inferred: Vec<&str> = listed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .filter(|m| m.contains("are one person"))
        .collect();
    assert_eq!(inferred.len(), 1, "{:?}", listed.diagnostics);
    assert!(inferred[0].starts_with("first_name, last_name, email are one person"));
    assert!(inferred[0].contains("\"entity\": false"));

    let mut schema = object(
        &["city", "count"],
        json!({"x-synth": {"entity": "billing"}}),
    );
    schema["properties"]["count"] = json!({"type": "integer", "x-synth": {"entity": "billing"}});
    let noted = table(schema);
    let ignored: Vec<&str> = noted
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("entity has no effect"))
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        ignored,
        ["/properties/count/x-synth/entity", "/x-synth/entity"]
    );

    let mut bad = object(&["city"], json!({}));
    bad["properties"]["city"]["x-synth"] = json!({"entity": 5});
    let Err(error) = Table::from_value(bad, None) else {
        panic!("\"entity\": 5 is accepted");
    };
    let error = error.to_string();
    assert!(error.contains("/properties/city/x-synth/entity"), "{error}");
}

/// A field whose constraints some of its entity's values miss is drawn on its own
/// (a value that missed would be drawn again, away from its entity), and `check` says so.
#[test]
fn a_field_too_short_for_its_entity_is_drawn_on_its_own() {
    let mut schema = object(&["city", "state"], json!({}));
    schema["properties"]["state"]["maxLength"] = json!(12);
    let table = table(schema);
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.pointer == "/properties/state" && d.message.contains("drawn on its own")),
        "{:?}",
        table.diagnostics
    );
    for row in 0..200 {
        let record = table.try_row_value(7, row).expect("a valid row");
        assert!(record["state"].as_str().unwrap().chars().count() <= 12);
    }
}
