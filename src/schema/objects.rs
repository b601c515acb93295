//! `object`: properties, `required`, `additionalProperties`, `patternProperties`,
//! `propertyNames`, `min/maxProperties`, `dependentRequired`, and the `absent_rate` knob.

use super::compile::Compiler;
use super::document::Loc;
use super::facts::Facts;
use crate::error::Problem;
use crate::generate::Node;
use crate::generate::object::{ExtraKeys, KeyNames, ObjectGen, Property};
use crate::generate::string::{StringGen, TextGen};

/// How many extra keys a map-like object gets at most, when the schema does not say.
const DEFAULT_EXTRA_KEYS: usize = 3;

impl Compiler {
    pub(super) fn build_object(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
        let patterns = self.pattern_matchers(f)?;
        let mut names: Vec<(String, Vec<Loc>, String)> = f
            .properties
            .iter()
            .map(|(n, locs)| (n.clone(), locs.clone(), locs[0].pointer.clone()))
            .collect();
        // Required keys that no `properties` entry declares take their schema from
        // `patternProperties` or `additionalProperties`.
        for r in &f.required {
            if names.iter().any(|(n, _, _)| *n == r.value) {
                continue;
            }
            let by_pattern: Vec<Loc> = patterns
                .iter()
                .filter(|(re, _)| re.is_match(&r.value))
                .map(|(_, l)| l.clone())
                .collect();
            if by_pattern.is_empty() && f.no_more_properties.is_some() {
                return Err(Problem::new(
                    r.pointer.clone(),
                    format!(
                        "required property {:?} is forbidden by additionalProperties: false",
                        r.value
                    ),
                )
                .hint(format!(
                    "declare {:?} under properties, or remove it from required",
                    r.value
                )));
            }
            let locs = if by_pattern.is_empty() {
                f.additional.clone()
            } else {
                by_pattern
            };
            names.push((r.value.clone(), locs, r.pointer.clone()));
        }
        let mut properties = Vec::with_capacity(names.len());
        for (name, mut locs, pointer) in names {
            locs.extend(
                patterns
                    .iter()
                    .filter(|(re, _)| re.is_match(&name))
                    .map(|(_, l)| l.clone()),
            );
            if !f.property_names.is_empty() {
                *check = true;
            }
            let required = f.required.iter().any(|r| r.value == name);
            let compiled = self.compile(&locs);
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
            let absent_rate = if required {
                0.0
            } else {
                compiled
                    .knobs
                    .absent_rate
                    .unwrap_or(self.defaults.absent_rate)
            };
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
        if let Some(max) = &f.max_properties {
            if required_count > max.value as usize {
                return Err(Problem::new(
                    max.pointer.clone(),
                    format!(
                        "{required_count} properties are required but maxProperties is {}",
                        max.value
                    ),
                ));
            }
            if properties.len() > max.value as usize {
                *check = true;
            }
        }
        let extra = self.extra_keys(
            f,
            &patterns,
            properties.len(),
            min_properties,
            max_properties,
            check,
        )?;
        let dependent = f
            .dependent_required
            .iter()
            .filter_map(|(name, deps)| {
                let i = properties.iter().position(|p| p.name == *name)?;
                let ds: Vec<usize> = deps
                    .iter()
                    .filter_map(|d| properties.iter().position(|p| p.name == *d))
                    .collect();
                if ds.len() < deps.len() {
                    *check = true;
                }
                Some((i, ds))
            })
            .collect();
        Ok(Node::Object(ObjectGen {
            properties,
            dependent,
            extra,
            min_properties,
        }))
    }

    fn pattern_matchers(&mut self, f: &Facts) -> Result<Vec<(regex::Regex, Loc)>, Problem> {
        f.pattern_properties
            .iter()
            .map(|(pattern, loc)| {
                let re = regex::Regex::new(&ecma_to_rust(pattern))
                    .map_err(|e| Problem::new(loc.pointer.clone(), format!("patternProperties key is not a regular expression synthtune can read: {e}")))?;
                Ok((re, loc.clone()))
            })
            .collect()
    }

    /// Keys beyond the declared ones, for maps (`dict[str, T]`) and `minProperties`.
    fn extra_keys(
        &mut self,
        f: &Facts,
        patterns: &[(regex::Regex, Loc)],
        declared: usize,
        min_properties: usize,
        max_properties: Option<usize>,
        check: &mut bool,
    ) -> Result<Option<ExtraKeys>, Problem> {
        let closed = f.no_more_properties.is_some() && patterns.is_empty();
        let map_like = declared == 0
            && (!f.additional.is_empty() || !patterns.is_empty() || !f.property_names.is_empty());
        let needed = min_properties.saturating_sub(declared);
        if closed {
            if needed > 0 {
                let at = f
                    .min_properties
                    .as_ref()
                    .map_or_else(|| f.pointer(), |m| m.pointer.clone());
                return Err(Problem::new(
                    at,
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
        // Key names: from propertyNames, else the first key pattern, else words.
        let (names, value_locs) = if !f.property_names.is_empty() {
            // Names are strings: say so, so that an untyped propertyNames still yields them.
            let mut nf = Facts::default();
            nf.intersect_types(super::facts::Types::STRING, f.pointer());
            for l in &f.property_names {
                self.collect(l, &mut nf)?;
            }
            *check = true;
            (
                KeyNames::Schema(Box::new(self.compile_facts(nf)?.node)),
                f.additional.clone(),
            )
        } else if f.additional.is_empty() && !patterns.is_empty() {
            let (_, loc) = &patterns[0];
            let pattern = f.pattern_properties[0].0.clone();
            let key_gen = crate::generate::pattern::PatternGen::new(&pattern, 1, None)
                .map_err(|e| Problem::new(loc.pointer.clone(), e.to_string()))?;
            if patterns.len() > 1 {
                *check = true;
            }
            (
                KeyNames::Text(StringGen::Pattern(key_gen)),
                vec![loc.clone()],
            )
        } else {
            if !patterns.is_empty() {
                *check = true;
            }
            (
                KeyNames::Text(StringGen::Text(TextGen::new(3, 12, None))),
                f.additional.clone(),
            )
        };
        let value = self.compile(&value_locs)?.node;
        Ok(Some(ExtraKeys {
            min: needed,
            max,
            names,
            value: Box::new(value),
        }))
    }
}

/// ECMA-262 classes are ASCII; the regex crate's are Unicode.
pub fn ecma_to_rust(pattern: &str) -> String {
    pattern
        .replace("\\d", "[0-9]")
        .replace("\\D", "[^0-9]")
        .replace("\\w", "[A-Za-z0-9_]")
        .replace("\\W", "[^A-Za-z0-9_]")
}
