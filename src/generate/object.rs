//! `object` values: declared properties, optional keys, and extra keys for maps
//! (`additionalProperties`, `patternProperties`, `propertyNames`).

use rand::RngExt;

use super::choice::unit;
use super::string::StringGen;
use super::{Ctx, Node};
use crate::rng::{hash_str, mix, rng_for};
use crate::sink::Sink;

/// Salts that keep a property's presence draw apart from its value's key.
const PRESENCE: u64 = 0x5052_4553_454e_4345;
const EXTRA: u64 = 0x4558_5452_414b_4559;

/// One declared property.
#[derive(Debug)]
pub struct Property {
    pub name: String,
    pub name_hash: u64,
    pub node: Node,
    pub required: bool,
    /// Share of records that leave the key out (only for optional properties).
    pub absent_rate: f64,
    /// The JSON Pointer of the property's schema.
    pub pointer: String,
}

impl Property {
    pub fn new(
        name: String,
        node: Node,
        required: bool,
        absent_rate: f64,
        pointer: String,
    ) -> Property {
        Property {
            name_hash: hash_str(&name),
            name,
            node,
            required,
            absent_rate,
            pointer,
        }
    }
}

/// Keys beyond the declared ones: how many, how they are named, what they hold.
#[derive(Debug)]
pub struct ExtraKeys {
    pub min: usize,
    pub max: usize,
    pub names: StringGen,
    /// The value generator for extra keys; a pattern-keyed map has one per pattern.
    pub value: Box<Node>,
}

#[derive(Debug)]
pub struct ObjectGen {
    pub properties: Vec<Property>,
    /// `dependentRequired`: when property `i` is present, so are these.
    pub dependent: Vec<(usize, Vec<usize>)>,
    pub extra: Option<ExtraKeys>,
    pub min_properties: usize,
}

impl ObjectGen {
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let shallow = ctx.shallow();
        let mut present: Vec<bool> = self
            .properties
            .iter()
            .map(|p| {
                p.required || (!shallow && unit(mix(key, p.name_hash ^ PRESENCE)) >= p.absent_rate)
            })
            .collect();
        for (i, deps) in &self.dependent {
            if present[*i] {
                deps.iter().for_each(|&d| present[d] = true);
            }
        }
        // minProperties: bring optional properties back before inventing extra keys.
        let mut count = present.iter().filter(|&&p| p).count();
        for p in present.iter_mut() {
            if count >= self.min_properties {
                break;
            }
            if !*p {
                *p = true;
                count += 1;
            }
        }

        out.begin_object();
        for (prop, _) in self.properties.iter().zip(&present).filter(|(_, p)| **p) {
            out.key(&prop.name);
            prop.node.generate(ctx, mix(key, prop.name_hash), out);
        }
        if let Some(extra) = &self.extra {
            self.generate_extra(extra, count, shallow, ctx, key, out);
        }
        out.end_object();
    }

    fn generate_extra<S: Sink>(
        &self,
        extra: &ExtraKeys,
        declared: usize,
        shallow: bool,
        ctx: &mut Ctx,
        key: u64,
        out: &mut S,
    ) {
        let mut rng = rng_for(mix(key, EXTRA));
        let need = self.min_properties.saturating_sub(declared).max(extra.min);
        let n = if shallow || need >= extra.max {
            need
        } else {
            rng.random_range(need..=extra.max)
        };
        let mut names: Vec<String> = Vec::with_capacity(n);
        let mut attempt = 0u64;
        while names.len() < n && attempt < 16 * (n as u64 + 1) {
            let mut name = String::new();
            extra.names.write(mix(key, EXTRA ^ attempt), &mut name);
            attempt += 1;
            if self.properties.iter().any(|p| p.name == name) || names.contains(&name) {
                continue;
            }
            out.key(&name);
            extra.value.generate(ctx, mix(key, hash_str(&name)), out);
            names.push(name);
        }
    }
}
