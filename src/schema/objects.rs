//! `object`: properties, `required`, `additionalProperties`, `patternProperties`,
//! `propertyNames`, `min/maxProperties`, `dependentRequired`, and the `absent_rate` knob.
//! Which optional keys are present is solved by presence.rs from all of these.

use std::sync::Arc;

use super::compile::Compiler;
use super::document::Loc;
use super::facts::Facts;
use crate::error::Problem;
use crate::generate::Node;
use crate::generate::object::{ExtraKeys, KeyNames, ObjectGen, Property};
use crate::generate::pattern::{KeyPattern, PatternGen};
use crate::generate::string::{StringGen, TextGen};

/// How many extra keys a map-like object gets at most, when the schema does not say.
const DEFAULT_EXTRA_KEYS: usize = 3;

impl Compiler {
    pub(super) fn build_object(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
        let patterns = self.pattern_matchers(f)?;
        // The properties are generated from the merged schemas, additionalProperties as
        // if it saw them all: a key declared by a schema beside its own (an allOf
        // member, a `$ref`'s target) is bound by it too, which only a check sees.
        if declared_elsewhere(f, &patterns) {
            *check = true;
        }
        if let (Some(min), Some(max)) = (&f.min_properties, &f.max_properties)
            && min.value > max.value
        {
            return Err(Problem::new(
                min.pointer.clone(),
                format!(
                    "minProperties {} is above maxProperties {}: no object has that many keys",
                    min.value, max.value
                ),
            )
            .hint(format!(
                "lower minProperties, or raise maxProperties (at {})",
                max.pointer
            )));
        }
        let mut names: Vec<(String, Vec<Loc>, String)> = f
            .properties
            .iter()
            .map(|(n, locs)| (n.clone(), locs.clone(), locs[0].pointer.clone()))
            .collect();
        // Required keys that no `properties` entry declares take their schema from
        // `patternProperties` or `additionalProperties`; so do keys that presence
        // constraints name (`dependentRequired`, `anyOf` of `required`, ...), unless
        // they are forbidden, and then they are never written.
        let mut mentioned: Vec<(&str, &str)> = f
            .required
            .iter()
            .map(|r| (r.value.as_str(), r.pointer.as_str()))
            .collect();
        for d in &f.dependent_required {
            mentioned.push((d.name.as_str(), d.pointer.as_str()));
            mentioned.extend(d.requires.iter().map(|r| (r.as_str(), d.pointer.as_str())));
        }
        for t in &f.presence {
            let mut ns = Vec::new();
            t.expr.names(&mut ns);
            mentioned.extend(ns.into_iter().map(|n| (n, t.pointer.as_str())));
        }
        for (name, pointer) in mentioned {
            if names.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            let required = f.required.iter().find(|r| r.value == name);
            let by_pattern: Vec<Loc> = patterns
                .iter()
                .filter(|(re, _)| re.is_match(name))
                .map(|(_, l)| l.clone())
                .collect();
            // `unevaluatedProperties: false` also closes the object, but the keys
            // that branches declare count as evaluated: only `additionalProperties`
            // forbids a key that a branch names.
            let closed_to_branches = f
                .no_more_properties
                .as_deref()
                .is_some_and(|p| !p.ends_with("/unevaluatedProperties"));
            if by_pattern.is_empty()
                && (closed_to_branches || required.is_some())
                && f.no_more_properties.is_some()
            {
                let Some(r) = required else { continue };
                return Err(Problem::new(
                    r.pointer.clone(),
                    format!(
                        "required property {name:?} is forbidden by additionalProperties: false"
                    ),
                )
                .hint(format!(
                    "declare {name:?} under properties, or remove it from required"
                )));
            }
            let locs = if by_pattern.is_empty() {
                f.additional.clone()
            } else {
                by_pattern
            };
            names.push((name.to_owned(), locs, pointer.to_owned()));
        }
        // Every name the schema speaks of is kept from the extra keys, also those left
        // out below (`"a": false`, or a name no choice of keys has): an extra key under
        // that name would meet the very schema that keeps the key out.
        let reserved: Box<[Box<str>]> = names.iter().map(|(n, _, _)| n.as_str().into()).collect();
        if !f.property_names.is_empty() {
            let allowed = self.validator(&f.property_names)?;
            let mut kept = Vec::with_capacity(names.len());
            for (name, locs, pointer) in names {
                if allowed.is_valid(&serde_json::Value::String(name.clone())) {
                    kept.push((name, locs, pointer));
                    continue;
                }
                if let Some(r) = f.required.iter().find(|r| r.value == name) {
                    return Err(Problem::new(
                        r.pointer.clone(),
                        format!("required property {name:?} is not a name propertyNames allows"),
                    )
                    .hint(format!(
                        "loosen propertyNames (at {}), or remove {name:?} from required",
                        f.property_names[0].pointer
                    )));
                }
                self.note(
                    crate::error::Severity::Note,
                    pointer,
                    format!("optional property {name:?} is never generated: propertyNames does not allow its name"),
                );
            }
            names = kept;
        }
        // Keys that no choice meeting the presence constraints has are never written
        // (`not: {required: ["x"]}`): neither generated nor listed as fields.
        let keys: Vec<(&str, bool, f64)> = names
            .iter()
            .map(|(n, _, _)| (n.as_str(), f.required.iter().any(|r| r.value == *n), 0.0))
            .collect();
        let never = super::presence::never_present(f, &keys);
        for &i in never.iter().rev() {
            let (name, _, pointer) = names.remove(i);
            self.note(
                crate::error::Severity::Note,
                pointer,
                format!("optional property {name:?} is never generated: no choice of keys that meets the presence constraints has it"),
            );
        }
        let mut places = super::infer::place_prefixes(names.iter().map(|(n, ..)| n.as_str()));
        let mut properties = Vec::with_capacity(names.len());
        let mut entity_knobs = Vec::with_capacity(names.len());
        let mut rules = Vec::new();
        for (name, mut locs, pointer) in names {
            locs.extend(
                patterns
                    .iter()
                    .filter(|(re, _)| re.is_match(&name))
                    .map(|(_, l)| l.clone()),
            );
            let required = f.required.iter().any(|r| r.value == name);
            // The siblings' places hold for this property's own name only: an object
            // inside swaps in its own around its properties, and back.
            std::mem::swap(&mut self.place_prefixes, &mut places);
            let compiled = self.compile(&locs);
            std::mem::swap(&mut self.place_prefixes, &mut places);
            let compiled = match compiled {
                Ok(c) => c,
                // An optional property whose schema is `false` is forbidden, not broken,
                // and one that needs a document found nowhere cannot be had: either is
                // left out. Any other refusal is a mistake worth stopping for.
                Err(p)
                    if !required
                        && (p.kind == crate::error::ProblemKind::Unavailable
                            || locs.iter().any(|l| {
                                self.docs.get(l) == Some(&serde_json::Value::Bool(false))
                            })) =>
                {
                    self.note(
                        crate::error::Severity::Note,
                        pointer.clone(),
                        format!(
                            "optional property {name:?} is never generated: {}",
                            p.message
                        ),
                    );
                    continue;
                }
                Err(p) => return Err(p),
            };
            self.read_property_knobs(&compiled.knobs);
            let knobs = &compiled.knobs;
            if knobs.order.is_some() || knobs.when.is_some() || knobs.derive.is_some() {
                rules.push(super::rules::RuleKnobs {
                    index: properties.len(),
                    order: knobs.order.clone(),
                    when: knobs.when.clone(),
                    derive: knobs.derive.clone(),
                    locs: locs.clone(),
                    rates_at: [&knobs.null_rate_at, &knobs.absent_rate_at]
                        .into_iter()
                        .flatten()
                        .cloned()
                        .collect(),
                });
            }
            let absent_rate = if required {
                if let Some(at) = &compiled.knobs.absent_rate_at {
                    self.note(
                        crate::error::Severity::Ignored,
                        at.clone(),
                        format!("absent_rate has no effect: {name:?} is required, so every record has it (drop it from `required` to use the rate)"),
                    );
                }
                0.0
            } else {
                compiled
                    .knobs
                    .absent_rate
                    .unwrap_or(self.defaults.absent_rate)
            };
            entity_knobs.push(compiled.knobs.entity.clone());
            properties.push(Property::new(
                name,
                compiled.node,
                required,
                absent_rate,
                pointer,
            ));
        }
        let min_properties = f.min_properties.as_ref().map_or(0, |m| m.value as usize);
        let max_properties = f.max_properties.as_ref().map(|m| m.value as usize);
        let required_count = properties.iter().filter(|p| p.required).count();
        if let Some(max) = &f.max_properties
            && required_count > max.value as usize
        {
            return Err(Problem::new(
                max.pointer.clone(),
                format!(
                    "{required_count} properties are required but maxProperties is {}",
                    max.value
                ),
            ));
        }
        let mut extra = self.extra_keys(
            f,
            &patterns,
            properties.len(),
            min_properties,
            max_properties,
            check,
        )?;
        if let Some(extra) = &mut extra {
            extra.reserved = reserved;
        }
        let keys: Vec<(&str, bool, f64)> = properties
            .iter()
            .map(|p| (p.name.as_str(), p.required, p.absent_rate))
            .collect();
        let open = f.no_more_properties.is_none() || !patterns.is_empty();
        let (presence, inexact) = self.presence_rules(f, &keys, extra.is_some(), open)?;
        *check |= inexact;
        self.apply_rules(&mut properties, rules, presence.is_some())?;
        let entities = self.link_entities(&mut properties, &entity_knobs);
        let kept_fields = properties.iter().filter(|p| p.slot.is_some()).count();
        let has_rules = properties.iter().any(|p| matches!(p.node, Node::Ruled(_)));
        Ok(Node::Object(Arc::new(ObjectGen {
            properties,
            presence,
            extra,
            min_properties,
            entities,
            has_rules,
            kept_fields,
        })))
    }

    fn pattern_matchers(&mut self, f: &Facts) -> Result<Vec<(KeyPattern, Loc)>, Problem> {
        f.pattern_properties
            .iter()
            .map(|(pattern, loc)| {
                let re = KeyPattern::new(pattern)
                    .map_err(|e| Problem::new(loc.pointer.clone(), format!("patternProperties key is not a regular expression synthtune can read: {e}")))?;
                Ok((re, loc.clone()))
            })
            .collect()
    }

    /// Keys beyond the declared ones, for maps (`dict[str, T]`) and `minProperties`.
    fn extra_keys(
        &mut self,
        f: &Facts,
        patterns: &[(KeyPattern, Loc)],
        declared: usize,
        min_properties: usize,
        max_properties: Option<usize>,
        check: &mut bool,
    ) -> Result<Option<ExtraKeys>, Problem> {
        let closed = f.no_more_properties.is_some() && patterns.is_empty();
        let map_like = declared == 0
            && (!f.additional.is_empty() || !patterns.is_empty() || !f.property_names.is_empty());
        let needed = min_properties.saturating_sub(declared);
        // Where a refusal of too few keys points.
        let min_pointer = || {
            f.min_properties
                .as_ref()
                .map_or_else(|| f.pointer(), |m| m.pointer.clone())
        };
        if closed {
            if needed > 0 {
                return Err(Problem::new(
                    min_pointer(),
                    format!(
                        "minProperties {min_properties} but only {declared} properties are allowed (additionalProperties: false)"
                    ),
                ));
            }
            return Ok(None);
        }
        if !map_like && needed == 0 {
            return Ok(None);
        }
        let room = max_properties.map_or(usize::MAX, |m| m.saturating_sub(declared));
        let max = needed.max(DEFAULT_EXTRA_KEYS).min(room).max(needed);
        // Key names: from propertyNames, else a key pattern, else words.
        let (names, value_locs) = if !f.property_names.is_empty() {
            *check = true;
            let node = self.key_names_schema(f, max)?;
            if let Some(available) = super::arrays::distinct_values(&node)
                && available < needed as u64
            {
                return Err(few_names(
                    min_pointer(),
                    min_properties,
                    declared,
                    available,
                    "propertyNames",
                ));
            }
            (KeyNames::Schema(Box::new(node)), f.additional.clone())
        } else {
            let source = if f.additional.is_empty() && !patterns.is_empty() {
                names_pattern(f, patterns, needed, max)?
            } else {
                PatternNames::Words
            };
            match source {
                PatternNames::Pattern(index, key_gen) => {
                    if patterns.len() > 1 || key_gen.by_trial() {
                        *check = true;
                    }
                    (
                        KeyNames::Text(StringGen::Pattern(key_gen)),
                        vec![patterns[index].1.clone()],
                    )
                }
                PatternNames::TooFew(available) => {
                    return Err(few_names(
                        min_pointer(),
                        min_properties,
                        declared,
                        available,
                        "patternProperties with additionalProperties: false",
                    ));
                }
                PatternNames::Words => {
                    if !patterns.is_empty() {
                        *check = true;
                    }
                    (
                        KeyNames::Text(StringGen::Text(TextGen::new(3, 12, None))),
                        f.additional.clone(),
                    )
                }
            }
        };
        let value = self.compile(&value_locs)?.node;
        let available_names = match &names {
            KeyNames::Text(StringGen::Pattern(key_gen)) => key_gen.reachable(),
            KeyNames::Schema(node) => super::arrays::distinct_values(node),
            KeyNames::Text(_) => None,
        };
        Ok(Some(ExtraKeys {
            min: needed,
            max,
            names,
            available_names,
            reserved: Box::default(),
            value: Box::new(value),
            pointer: f.pointer(),
        }))
    }

    /// The `propertyNames` schema, as the generator of up to `count` key names. A schema
    /// bound only by patterns gets a length floor where it allows one: `^(?!b)` alone
    /// writes its shortest string, the empty name, and then nothing but repeats.
    fn key_names_schema(&mut self, f: &Facts, count: usize) -> Result<Node, Problem> {
        let mut names = Facts::default();
        // Names are strings: say so, so that an untyped propertyNames still yields them.
        names.intersect_types(super::facts::Types::STRING, f.pointer());
        for l in &f.property_names {
            self.collect(l, &mut names)?;
        }
        let floor = name_length(count) as u64;
        let only_patterns = !names.patterns.is_empty()
            && names.consts.is_empty()
            && names.enums.is_empty()
            && names.formats.is_empty()
            && names.alternatives.is_empty()
            && names.min_length.as_ref().is_none_or(|m| m.value < floor)
            && names.max_length.as_ref().is_none_or(|m| m.value >= floor);
        if only_patterns {
            let mut roomy = names.clone();
            roomy.min_length = Some(super::facts::At {
                value: floor,
                pointer: f.pointer(),
            });
            // A pattern that has no string that long keeps its own lengths.
            if let Ok(compiled) = self.compile_facts(roomy) {
                return Ok(compiled.node);
            }
        }
        Ok(self.compile_facts(names)?.node)
    }
}

/// Where the extra keys of an object without an `additionalProperties` schema get their
/// names, when it has key patterns.
enum PatternNames {
    /// From this pattern (an index into the patterns).
    Pattern(usize, PatternGen),
    /// Free words: the object is open, and no pattern has enough strings.
    Words,
    /// Closed (`additionalProperties: false`), and all patterns together name at most
    /// this many keys, too few.
    TooFew(u64),
}

/// The first key pattern whose strings are enough for the `needed` keys; else words, or
/// for a closed object the first pattern again (its names then checked by trial) unless
/// all of them together count too few.
fn names_pattern(
    f: &Facts,
    patterns: &[(KeyPattern, Loc)],
    needed: usize,
    max: usize,
) -> Result<PatternNames, Problem> {
    let too_few = |available: Option<u64>| available.is_some_and(|n| n < needed as u64);
    let mut total = Some(0u64);
    let mut first = None;
    for (index, (pattern, _)) in f.pattern_properties.iter().enumerate() {
        // Padded to a length with room for the names needed where the pattern
        // leaves its end open (`^x-`: `x-k3`, not `x-` alone).
        let key_gen = match PatternGen::new(pattern, name_length(max), None)
            .or_else(|_| PatternGen::new(pattern, 1, None))
        {
            Ok(key_gen) => key_gen,
            Err(e) if index == 0 => {
                return Err(Problem::new(patterns[0].1.pointer.clone(), e.to_string()));
            }
            // A later pattern is only a fallback: one generation cannot use names nothing.
            Err(_) => {
                total = None;
                continue;
            }
        };
        let available = key_gen.reachable();
        if !too_few(available) {
            return Ok(PatternNames::Pattern(index, key_gen));
        }
        total = total.zip(available).and_then(|(t, a)| t.checked_add(a));
        first.get_or_insert((index, key_gen));
    }
    Ok(match (first, total) {
        (_, Some(total)) if f.no_more_properties.is_some() && too_few(Some(total)) => {
            PatternNames::TooFew(total)
        }
        (Some((index, key_gen)), _) if f.no_more_properties.is_some() => {
            PatternNames::Pattern(index, key_gen)
        }
        // Keys beyond the patterns' may have any name.
        _ => PatternNames::Words,
    })
}

/// A `minProperties` that the names an object may take cannot reach: `by` says what
/// allows only `available` names.
fn few_names(
    at: String,
    min_properties: usize,
    declared: usize,
    available: u64,
    by: &str,
) -> Problem {
    let keys = match declared {
        0 => format!("{min_properties} keys"),
        _ => format!(
            "{} keys beyond the {declared} declared",
            min_properties - declared
        ),
    };
    Problem::new(
        at,
        format!("minProperties {min_properties} asks for {keys}, but {by} allows at most {available} names"),
    )
    .hint("lower minProperties, or allow more key names")
}

/// The length of key names drawn from a pattern, where it allows: enough that padding
/// (36 characters) alone makes several times `count` names, and at least 3.
fn name_length(count: usize) -> usize {
    let mut length = 3;
    while 36f64.powi(length as i32 - 1) < 8.0 * count as f64 {
        length += 1;
    }
    length
}

/// Whether a key may be bound by the `additionalProperties` of a schema object that
/// neither declares it nor matches it by a pattern of its own: a declared property, or
/// an extra key named by another object's pattern.
fn declared_elsewhere(f: &Facts, patterns: &[(KeyPattern, Loc)]) -> bool {
    f.additional_scopes.iter().any(|scope| {
        let own_pattern = |l: &Loc| {
            l.doc == scope.doc
                && l.pointer
                    .strip_prefix(scope.pointer.as_str())
                    .is_some_and(|rest| rest.starts_with("/patternProperties/"))
        };
        // Extra keys named by another schema object's pattern are bound by this one's
        // additionalProperties too.
        patterns.iter().any(|(_, l)| !own_pattern(l))
            || f.properties.iter().any(|(name, locs)| {
                let own = scope.child(&["properties", name]);
                let declared = locs
                    .iter()
                    .any(|l| l.doc == own.doc && l.pointer == own.pointer);
                let matched = patterns
                    .iter()
                    .any(|(re, l)| own_pattern(l) && re.is_match(name));
                !declared && !matched
            })
    })
}
