//! The tuning vocabulary: `x-synth` objects, and the DataSynthTool keys placed directly on
//! a property (`sql`, `domain`, `distribution`, `subdomain`, `synthesizer`).
//!
//! Knobs are parsed and checked here, once, with the JSON Pointer of each; the typed
//! builders then read them. Where `x-synth` and a DataSynthTool key say the same thing,
//! `x-synth` wins.

use serde_json::{Map, Value};

use super::document::child_pointer;
use crate::error::Problem;
use crate::generate::distribution::DistributionSpec;
use crate::generate::domain::Locale;
use crate::generate::reference::Fanout;

/// Every `x-synth` key synthtune knows.
pub const KNOWN_KEYS: &[&str] = &[
    "distribution",
    "null_rate",
    "absent_rate",
    "weights",
    "range",
    "length",
    "domain",
    "locale",
    "values",
    "values_from",
    "unique",
    "sequence",
    "key",
    "references",
    "fanout",
    "noise",
    "rows",
    "synthesizer",
    "after",
    "before",
    "when",
    "derive",
    "infer",
    "entity",
];

/// Relative weights, by declaration order or by name (enum value, branch title,
/// discriminator value, `"true"`/`"false"`).
#[derive(Debug, Clone, PartialEq)]
pub enum Weights {
    ByOrder(Vec<f64>),
    ByName(Vec<(String, f64)>),
}

/// An `entity` knob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityKnob {
    /// `false`: the field is drawn on its own.
    Alone,
    /// `"billing"`: part of the entity of that name (by default, of the one its name's
    /// prefix says); `true` is the default, the prefix's.
    Group(Option<String>),
}

/// A `sequence` knob: `start`, `start + step`, ...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sequence {
    pub start: i64,
    pub step: i64,
}

/// The knobs in force at one schema node, each with where it was written.
#[derive(Debug, Clone, Default)]
pub struct Knobs {
    pub distribution: Option<(DistributionSpec, String)>,
    pub null_rate: Option<f64>,
    pub absent_rate: Option<f64>,
    pub weights: Option<(Weights, String)>,
    pub range_min: Option<String>,
    pub range_max: Option<String>,
    /// Where `range` was written.
    pub range_at: Option<String>,
    pub length: Option<(DistributionSpec, String)>,
    pub domain: Option<(String, String)>,
    /// Written here, or inherited from the nearest object or array around with one
    /// (then `locale_at` is `None`).
    pub locale: Option<Locale>,
    /// `"locale": {"en_US": 60, "de_DE": 40}` (or a list, equal shares): a locale drawn
    /// per value, its weights.
    pub locale_mix: Option<Vec<(Locale, f64)>>,
    /// Where `null_rate`, `absent_rate` and `locale` were written, for the notes and
    /// refusals about them.
    pub null_rate_at: Option<String>,
    pub absent_rate_at: Option<String>,
    pub locale_at: Option<String>,
    pub values: Option<(Vec<Value>, String)>,
    pub values_from: Option<(Value, String)>,
    pub unique: Option<String>,
    pub sequence: Option<(Sequence, String)>,
    pub key: Option<String>,
    pub references: Option<(String, String)>,
    pub fanout: Option<(Fanout, String)>,
    pub noise: Option<(f64, String)>,
    pub rows: Option<u64>,
    pub synthesizer: Option<(String, String)>,
    /// `after` or `before` (rules.rs).
    pub order: Option<super::rules::OrderSpec>,
    pub when: Option<super::rules::WhenSpec>,
    pub derive: Option<super::rules::DeriveSpec>,
    /// `infer`: whether a domain or date range may be inferred from the field's name
    /// (infer.rs), with where it was written. On an object or the root it holds for
    /// every field below, until a field under it says otherwise.
    pub infer: Option<(bool, String)>,
    /// `entity`: which entity of its object a person or place field is part of
    /// (entities.rs), with where it was written.
    pub entity: Option<(EntityKnob, String)>,
}

/// A knob that was recognised but is not acted on yet, or an unknown key: reported by
/// `check` and shown in the tuner, never silently dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct KnobNote {
    pub pointer: String,
    pub message: String,
}

impl Knobs {
    /// Reads the knobs written on the schema object `schema` at `pointer`, filling only
    /// what is still unset (so the first writer wins: the referencing site over its
    /// target, `x-synth` over DataSynthTool keys).
    pub fn absorb(
        &mut self,
        schema: &Map<String, Value>,
        pointer: &str,
        notes: &mut Vec<KnobNote>,
    ) -> Result<(), Problem> {
        // Most schema objects carry no knob: one pass over their few keys saves a
        // hashed lookup per knob spelling on each of them. These are the keys read below
        // and by `absorb_datasynthtool`.
        const CARRIERS: &[&str] = &[
            "x-synth",
            "sql",
            "distribution",
            "domain",
            "synthesizer",
            "subdomain",
        ];
        if !schema.keys().any(|k| CARRIERS.contains(&k.as_str())) {
            return Ok(());
        }
        if let Some(synth) = schema.get("x-synth") {
            let at = format!("{pointer}/x-synth");
            let Some(map) = synth.as_object() else {
                return Err(Problem::invalid(at, "x-synth must be an object of knobs")
                    .hint("write \"x-synth\": {\"null_rate\": 0.1}"));
            };
            for (key, value) in map {
                self.absorb_key(key, value, &child_pointer(&at, key), notes)?;
            }
        }
        self.absorb_datasynthtool(schema, pointer, notes)
    }

    fn absorb_datasynthtool(
        &mut self,
        schema: &Map<String, Value>,
        pointer: &str,
        notes: &mut Vec<KnobNote>,
    ) -> Result<(), Problem> {
        if let Some(sql) = schema.get("sql") {
            let at = format!("{pointer}/sql");
            let key = sql.get("key").and_then(Value::as_str);
            match key {
                Some("primary") => {
                    self.key.get_or_insert_with(|| "primary".to_owned());
                }
                Some("foreign") => {
                    let target = sql
                        .get("reference")
                        .or_else(|| sql.get("foreignKey"))
                        .and_then(Value::as_str);
                    let Some(target) = target else {
                        return Err(Problem::invalid(
                            at,
                            "a foreign key needs \"reference\": \"Table.field\"",
                        ));
                    };
                    self.absorb_key("references", &Value::from(target), &at, notes)?;
                }
                _ => {
                    return Err(Problem::invalid(
                        at,
                        "sql.key must be \"primary\" or \"foreign\"",
                    ));
                }
            }
        }
        for key in ["distribution", "domain", "synthesizer"] {
            if let Some(v) = schema.get(key) {
                self.absorb_key(key, v, &format!("{pointer}/{key}"), notes)?;
            }
        }
        if let Some(sub) = schema.get("subdomain") {
            let at = format!("{pointer}/subdomain");
            let weights = parse_weights(sub, &at)?;
            if self.weights.is_none() {
                self.weights = Some((weights, at));
            }
        }
        Ok(())
    }

    fn absorb_key(
        &mut self,
        key: &str,
        value: &Value,
        at: &str,
        notes: &mut Vec<KnobNote>,
    ) -> Result<(), Problem> {
        let at_owned = at.to_owned();
        match key {
            "distribution" => {
                if self.distribution.is_none() {
                    let spec = DistributionSpec::parse(value).map_err(|e| knob_problem(at, &e))?;
                    self.distribution = Some((spec, at_owned));
                }
            }
            "length" => {
                if self.length.is_none() {
                    let spec = DistributionSpec::parse(value).map_err(|e| knob_problem(at, &e))?;
                    self.length = Some((spec, at_owned));
                }
            }
            "fanout" => {
                if self.fanout.is_none() {
                    self.fanout = Some((parse_fanout(value, at)?, at_owned));
                }
            }
            "null_rate" => {
                if self.null_rate.is_none() {
                    self.null_rate = Some(probability(value, at)?);
                    self.null_rate_at = Some(at_owned);
                }
            }
            "absent_rate" => {
                if self.absent_rate.is_none() {
                    self.absent_rate = Some(probability(value, at)?);
                    self.absent_rate_at = Some(at_owned);
                }
            }
            "after" | "before" => {
                match &self.order {
                    // Both in one x-synth object.
                    Some(first)
                        if first.at.rsplit_once('/').map(|p| p.0)
                            == at.rsplit_once('/').map(|p| p.0) =>
                    {
                        return Err(Problem::invalid(
                            at,
                            format!("a field follows one sibling: {} is given already", first.at),
                        )
                        .hint("chain the fields instead: b after a, c after b"));
                    }
                    Some(_) => {}
                    None => self.order = Some(super::rules::OrderSpec::parse(key, value, at)?),
                }
            }
            "derive" => {
                if self.derive.is_none() {
                    self.derive = Some(super::rules::DeriveSpec::parse(value, at)?);
                }
            }
            "when" => {
                if self.when.is_none() {
                    self.when = Some(super::rules::WhenSpec::parse(value, at)?);
                }
            }
            "noise" => {
                if self.noise.is_none() {
                    self.noise = Some((probability(value, at)?, at_owned));
                }
            }
            "weights" => {
                if self.weights.is_none() {
                    self.weights = Some((parse_weights(value, at)?, at_owned));
                }
            }
            "range" => {
                if self.range_at.is_none() {
                    self.range_at = Some(at_owned);
                }
                let Some(map) = value.as_object() else {
                    return Err(Problem::invalid(
                        at,
                        "range must be {\"min\": ..., \"max\": ...}",
                    ));
                };
                for (k, v) in map {
                    let Some(s) = v.as_str() else {
                        return Err(Problem::invalid(
                            format!("{at}/{k}"),
                            "range bounds are strings such as \"2024-01-01T00:00:00Z\"",
                        ));
                    };
                    match k.as_str() {
                        "min" => set_once(&mut self.range_min, s.to_owned()),
                        "max" => set_once(&mut self.range_max, s.to_owned()),
                        _ => {
                            return Err(Problem::invalid(
                                child_pointer(at, k),
                                format!("unknown range key {k:?}"),
                            )
                            .hint("use \"min\" and \"max\""));
                        }
                    }
                }
            }
            "domain" => {
                let Some(s) = value.as_str() else {
                    return Err(Problem::invalid(
                        at,
                        "domain must be a name such as \"email\"",
                    ));
                };
                if self.domain.is_none() {
                    self.domain = Some((s.to_owned(), at_owned));
                }
            }
            "locale" => {
                let mix = parse_locales(value, at)?;
                if self.locale.is_none() {
                    self.locale = Some(mix[0].0);
                    self.locale_at = Some(at_owned);
                    self.locale_mix = (mix.len() > 1).then_some(mix);
                }
            }
            "values" => {
                let Some(items) = value.as_array().filter(|a| !a.is_empty()) else {
                    return Err(Problem::invalid(at, "values must be a non-empty array"));
                };
                if self.values.is_none() {
                    self.values = Some((items.clone(), at_owned));
                }
            }
            "values_from" => {
                if !(value.is_string() || value.is_object()) {
                    return Err(Problem::invalid(
                        at,
                        "values_from must be a file name, or {\"file\": ..., \"column\": ...}",
                    ));
                }
                if self.values_from.is_none() {
                    self.values_from = Some((value.clone(), at_owned));
                }
            }
            "unique" => match value {
                Value::Bool(true) => set_once(&mut self.unique, at_owned),
                Value::Bool(false) => {}
                _ => return Err(Problem::invalid(at, "unique must be true or false")),
            },
            "sequence" => {
                let field = |name: &str, default: i64| -> Result<i64, Problem> {
                    match value.get(name) {
                        None => Ok(default),
                        Some(v) => v.as_i64().ok_or_else(|| {
                            Problem::invalid(
                                format!("{at}/{name}"),
                                format!("sequence {name} must be an integer"),
                            )
                        }),
                    }
                };
                let parsed = match value {
                    Value::Bool(true) => Sequence { start: 1, step: 1 },
                    Value::Object(_) => Sequence {
                        start: field("start", 1)?,
                        step: field("step", 1)?,
                    },
                    _ => {
                        return Err(Problem::invalid(
                            at,
                            "sequence must be {\"start\": 1, \"step\": 1} or true",
                        ));
                    }
                };
                // Beyond 2^53 a sequence's values are not exact in the JSON numbers
                // most readers parse into doubles, as integer bounds are refused there.
                for (name, v) in [("start", parsed.start), ("step", parsed.step)] {
                    if v.unsigned_abs() > 1 << 53 {
                        return Err(Problem::invalid(
                            format!("{at}/{name}"),
                            format!("sequence {name} {v} is beyond ±2^53, where integers stop being exact in doubles"),
                        )
                        .hint("use a start and step within ±9007199254740992"));
                    }
                }
                if parsed.step == 0 {
                    return Err(Problem::invalid(
                        format!("{at}/step"),
                        "sequence step must not be 0",
                    ));
                }
                if self.sequence.is_none() {
                    self.sequence = Some((parsed, at_owned));
                }
            }
            "key" => match value.as_str() {
                Some("primary") => set_once(&mut self.key, "primary".to_owned()),
                _ => {
                    return Err(Problem::invalid(at, "key must be \"primary\"")
                        .hint("a foreign key is written \"references\": \"Table.field\""));
                }
            },
            "references" => {
                let Some(s) = value.as_str().filter(|s| {
                    s.split_once('.')
                        .is_some_and(|(t, f)| !t.is_empty() && !f.is_empty())
                }) else {
                    return Err(Problem::invalid(at, "references must name \"Table.field\""));
                };
                if self.references.is_none() {
                    self.references = Some((s.to_owned(), at_owned));
                }
            }
            "rows" => {
                let Some(n) = value.as_u64() else {
                    return Err(Problem::invalid(at, "rows must be a whole number"));
                };
                set_once(&mut self.rows, n);
            }
            "synthesizer" => {
                let Some(s) = value.as_str() else {
                    return Err(Problem::invalid(at, "synthesizer must be a name"));
                };
                if self.synthesizer.is_none() {
                    self.synthesizer = Some((s.to_owned(), at_owned));
                }
            }
            "infer" => {
                let Some(on) = value.as_bool() else {
                    return Err(Problem::invalid(at, format!("infer must be true or false, not {value}"))
                        .hint("write \"infer\": false to keep the constraints' values instead of a domain guessed from the field's name"));
                };
                set_once(&mut self.infer, (on, at_owned));
            }
            "entity" => {
                let knob = match value {
                    Value::Bool(false) => EntityKnob::Alone,
                    Value::Bool(true) => EntityKnob::Group(None),
                    Value::String(name) if !name.is_empty() => {
                        EntityKnob::Group(Some(name.clone()))
                    }
                    _ => {
                        return Err(Problem::invalid(at, format!("entity must be false, true or a group's name, not {value}"))
                            .hint("write \"entity\": false to draw this field on its own, or \"entity\": \"billing\" to make it part of the billing person or place"));
                    }
                };
                set_once(&mut self.entity, (knob, at_owned));
            }
            _ => notes.push(KnobNote {
                pointer: at_owned,
                message: format!(
                    "unknown x-synth key {key:?} (known: {})",
                    KNOWN_KEYS.join(", ")
                ),
            }),
        }
        Ok(())
    }
}

/// `fanout`: a distribution over the parent rows (`"zipf"`, `{"zipf": {"s": 1.1}}`), or
/// `{"distribution": ..., "none_share": 0.33}`, where either key may be left out.
fn parse_fanout(value: &Value, at: &str) -> Result<Fanout, Problem> {
    let Some(map) = value
        .as_object()
        .filter(|m| m.keys().any(|k| k == "distribution" || k == "none_share"))
    else {
        let distribution = DistributionSpec::parse(value).map_err(|e| knob_problem(at, &e))?;
        return Ok(Fanout {
            distribution,
            none_share: 0.0,
        });
    };
    let mut fanout = Fanout::default();
    for (key, v) in map {
        let here = child_pointer(at, key);
        match key.as_str() {
            "distribution" => {
                fanout.distribution =
                    DistributionSpec::parse(v).map_err(|e| knob_problem(&here, &e))?;
            }
            "none_share" => match v.as_f64() {
                Some(p) if (0.0..1.0).contains(&p) => fanout.none_share = p,
                _ => {
                    return Err(Problem::invalid(
                        here,
                        format!("none_share {v} must be a share from 0 up to (not including) 1"),
                    )
                    .hint("0.33 leaves a third of the parents without children"));
                }
            },
            _ => {
                return Err(
                    Problem::invalid(here, format!("unknown fanout key {key:?}")).hint(
                        "fanout takes \"distribution\" and \"none_share\", or a distribution alone",
                    ),
                );
            }
        }
    }
    Ok(fanout)
}

/// A distribution knob's error, at the pointer of the offending parameter.
fn knob_problem(at: &str, e: &crate::generate::distribution::KnobError) -> Problem {
    Problem::invalid(format!("{at}{}", e.path()), e.to_string())
}

fn set_once<T>(slot: &mut Option<T>, value: T) {
    if slot.is_none() {
        *slot = Some(value);
    }
}

fn probability(value: &Value, at: &str) -> Result<f64, Problem> {
    match value.as_f64() {
        Some(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(
            Problem::invalid(at, format!("{value} is not a probability"))
                .hint("use a number from 0 to 1, e.g. 0.05"),
        ),
    }
}

fn parse_weights(value: &Value, at: &str) -> Result<Weights, Problem> {
    let weight = |v: &Value, at: String| -> Result<f64, Problem> {
        match v.as_f64() {
            Some(w) if w >= 0.0 && w.is_finite() => Ok(w),
            _ => Err(Problem::invalid(
                at,
                format!("weight {v} must be a number ≥ 0"),
            )),
        }
    };
    let weights = match value {
        Value::Array(items) => Weights::ByOrder(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| weight(v, format!("{at}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Weights::ByName(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), weight(v, child_pointer(at, k))?)))
                .collect::<Result<_, Problem>>()?,
        ),
        _ => {
            return Err(Problem::invalid(
                at,
                "weights must be an array (in declaration order) or an object keyed by value",
            ));
        }
    };
    let total: f64 = match &weights {
        Weights::ByOrder(w) => w.iter().sum(),
        Weights::ByName(w) => w.iter().map(|(_, w)| w).sum(),
    };
    if total <= 0.0 {
        return Err(Problem::invalid(at, "weights add up to 0")
            .hint("give at least one choice a positive weight"));
    }
    Ok(weights)
}

/// Resolves weights against the choices' names, in declaration order. `names[i]` lists
/// the names choice `i` answers to (its value, its title, its discriminator value).
pub fn resolve_weights(
    weights: &Weights,
    names: &[Vec<String>],
    at: &str,
) -> Result<Vec<f64>, Problem> {
    match weights {
        Weights::ByOrder(w) => {
            if w.len() != names.len() {
                return Err(Problem::invalid(
                    at,
                    format!("{} weights given for {} choices", w.len(), names.len()),
                )
                .hint("give one weight per choice, in declaration order"));
            }
            Ok(w.clone())
        }
        Weights::ByName(pairs) => {
            let mut out = vec![0.0; names.len()];
            for (name, w) in pairs {
                let Some(i) = names.iter().position(|n| n.iter().any(|n| n == name)) else {
                    let known: Vec<&str> = names
                        .iter()
                        .filter_map(|n| n.first().map(String::as_str))
                        .collect();
                    return Err(Problem::invalid(
                        child_pointer(at, name),
                        format!(
                            "no choice is called {name:?} (choices: {})",
                            known.join(", ")
                        ),
                    ));
                };
                out[i] = *w;
            }
            if out.iter().sum::<f64>() <= 0.0 {
                return Err(Problem::invalid(at, "weights add up to 0"));
            }
            Ok(out)
        }
    }
}

/// A `locale` knob: one name (`"fr_FR"`), a list drawn in equal shares, or names with
/// weights (`{"en_US": 60, "de_DE": 40}`).
fn parse_locales(value: &Value, at: &str) -> Result<Vec<(Locale, f64)>, Problem> {
    let shape = "locale must be a name such as \"en\" or \"fr_FR\", a list of names, or names with weights such as {\"en_US\": 60, \"de_DE\": 40}";
    let one = |name: &str, at: &str| {
        Locale::parse(name).ok_or_else(|| {
            Problem::invalid(at, format!("unknown locale {name:?}")).hint(format!(
                "use one of {}",
                Locale::all()
                    .iter()
                    .map(Locale::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    };
    let mix: Vec<(Locale, f64)> = match value {
        Value::String(name) => vec![(one(name, at)?, 1.0)],
        Value::Array(names) => names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let here = child_pointer(at, &i.to_string());
                let name = name
                    .as_str()
                    .ok_or_else(|| Problem::invalid(&here, shape))?;
                Ok((one(name, &here)?, 1.0))
            })
            .collect::<Result<_, Problem>>()?,
        Value::Object(weights) => weights
            .iter()
            .map(|(name, weight)| {
                let here = child_pointer(at, name);
                let weight = weight
                    .as_f64()
                    .filter(|w| w.is_finite() && *w > 0.0)
                    .ok_or_else(|| {
                        Problem::invalid(
                            &here,
                            format!("{weight} is not a weight: a number above 0"),
                        )
                    })?;
                Ok((one(name, &here)?, weight))
            })
            .collect::<Result<_, Problem>>()?,
        _ => return Err(Problem::invalid(at, shape)),
    };
    if mix.is_empty() {
        return Err(Problem::invalid(at, shape));
    }
    if let Some(i) = (1..mix.len()).find(|&i| mix[..i].iter().any(|(l, _)| *l == mix[i].0)) {
        return Err(Problem::invalid(
            at,
            format!("locale {} is listed twice", mix[i].0.name()),
        ));
    }
    Ok(mix)
}
