//! `object` values: declared properties, optional keys, and extra keys for maps
//! (`additionalProperties`, `patternProperties`, `propertyNames`).

use rand::RngExt;
use smallvec::SmallVec;

use super::choice::unit;
use super::presence::PresenceRules;
use super::rule::{Peeked, RuledGen, peek_node};
use super::string::StringGen;
use super::{Ctx, Node};
use crate::error::Trial;
use crate::rng::{hash_str, mix, mix_prepared, prepare_salt, rng_for};
use crate::sink::{Sink, TextSink};

/// Salts that keep a property's presence draw apart from its value's key.
const PRESENCE: u64 = 0x5052_4553_454e_4345;
const EXTRA: u64 = 0x4558_5452_414b_4559;

/// One declared property.
#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    /// `"name":` as JSON text, written as it is on the export path.
    pub key_json: Box<str>,
    /// The property's name, hashed and prepared for [`mix_prepared`]: its value's key
    /// is `mix(object, hash(name))`.
    value_salt: u64,
    /// The same for the draw that decides whether an optional key is present.
    presence_salt: u64,
    pub node: Node,
    pub required: bool,
    /// Share of records that leave the key out (only for optional properties).
    pub absent_rate: f64,
    /// The JSON Pointer of the property's schema.
    pub pointer: String,
    /// Its slot in [`Ctx::read_siblings`] while its object is written, for a field a rule
    /// reads (compilation gives at most 64 per object).
    pub slot: Option<u8>,
}

impl Property {
    /// The salt of this property's value key (`mix_prepared(object, salt)`), for
    /// callers that recompute a key along a path (foreign keys).
    pub fn value_salt(&self) -> u64 {
        self.value_salt
    }

    pub fn new(
        name: String,
        node: Node,
        required: bool,
        absent_rate: f64,
        pointer: String,
    ) -> Property {
        let mut key_json = String::new();
        crate::sink::write_json_string(&mut key_json, &name);
        key_json.push(':');
        Property {
            key_json: key_json.into_boxed_str(),
            value_salt: prepare_salt(hash_str(&name)),
            presence_salt: prepare_salt(hash_str(&name) ^ PRESENCE),
            name,
            node,
            required,
            absent_rate,
            pointer,
            slot: None,
        }
    }
}

/// Writes what `node` generates for `key`, and returns it where it is a value rules
/// keep (a number, a date, an enum value, null): each arm writes what the generator's
/// own `generate` writes.
fn write_drawn<'n, S: Sink>(
    node: &'n Node,
    ctx: &mut Ctx,
    key: u64,
    out: &mut S,
) -> Option<Peeked<'n>> {
    Some(match node {
        Node::Integer(g) if g.sequence.is_none() => {
            let value = g.draw(key);
            out.int(value);
            Peeked::Int(value)
        }
        Node::Number(g) => match g.write_drawn(key, out) {
            Some((units, decimals)) => Peeked::Decimal(units, decimals),
            None => return None,
        },
        Node::String(StringGen::Temporal(t)) => {
            let value = t.draw(key);
            out.plain_str_with(|buf| t.kind().push(value, buf));
            Peeked::Temporal(value, t.kind())
        }
        Node::Enum(e) => Peeked::Listed(e.write_pick(key, out)),
        Node::Null => {
            out.null();
            Peeked::Null
        }
        Node::Union(u) => {
            let (branch, key) = u.branch_for(ctx, key);
            return write_drawn(branch, ctx, key, out);
        }
        node => {
            node.generate(ctx, key, out);
            return None;
        }
    })
}

/// Where extra keys' names come from.
#[derive(Debug, Clone)]
pub enum KeyNames {
    /// Strings of a pattern, or free text.
    Text(StringGen),
    /// The `propertyNames` schema, generated like any value (only strings are used).
    Schema(Box<Node>),
}

impl KeyNames {
    fn write(&self, ctx: &mut Ctx, key: u64, name: &mut String) {
        match self {
            KeyNames::Text(g) => g.write(key, name),
            KeyNames::Schema(node) => {
                let mut sink = crate::sink::ValueSink::new();
                node.generate(ctx, key, &mut sink);
                if let serde_json::Value::String(s) = sink.finish() {
                    name.push_str(&s);
                }
            }
        }
    }
}

/// Keys beyond the declared ones: how many, how they are named, what they hold.
#[derive(Debug, Clone)]
pub struct ExtraKeys {
    pub min: usize,
    pub max: usize,
    pub names: KeyNames,
    /// At most how many distinct names `names` writes, when they are countable: the
    /// search for names stops there instead of drawing repeats.
    pub available_names: Option<u64>,
    /// Names an extra key never takes: every name the schema declares or mentions,
    /// generated or left out.
    pub reserved: Box<[Box<str>]>,
    /// The value generator for extra keys; a pattern-keyed map has one per pattern.
    pub value: Box<Node>,
    /// The JSON Pointer of the object's schema, for too few distinct names.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct ObjectGen {
    pub properties: Vec<Property>,
    /// What constrains which optional keys are present beyond `required` and each key's
    /// `absent_rate` (none for most objects, which then draw each key on its own).
    pub presence: Option<Box<PresenceRules>>,
    pub extra: Option<ExtraKeys>,
    /// Keys the extra keys bring the object up to (`minProperties`).
    pub min_properties: usize,
    /// Whether some of its fields are parts of entities drawn from its key
    /// ([`Ctx::entity`]).
    pub entities: bool,
    /// Whether some of its fields are under rules ([`Node::Ruled`]).
    pub has_rules: bool,
    /// How many of its fields have a slot where their values are kept while it is
    /// written ([`Property::slot`]): none unless rules read siblings in it.
    pub kept_fields: usize,
}

impl ObjectGen {
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    // Not inlined into `Node::generate`, like the other composite generators: which of
    // them the compiler inlined used to change with unrelated edits, and with it the
    // cost of every leaf.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        if self.entities || self.has_rules {
            self.generate_framed(ctx, key, out);
        } else {
            self.generate_here::<false, S>(ctx, key, out);
        }
    }

    /// An object whose fields read its key (entities) or each other (rules).
    fn generate_framed<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let outer = ctx.entity;
        if self.entities {
            ctx.entity = key;
        }
        if self.kept_fields > 0 {
            let frame = ctx.read_siblings.open(self, key);
            self.generate_here::<true, S>(ctx, key, out);
            ctx.read_siblings.close(frame);
        } else if self.has_rules {
            self.generate_here::<true, S>(ctx, key, out);
        } else {
            self.generate_here::<false, S>(ctx, key, out);
        }
        ctx.entity = outer;
    }

    /// Writes the object; `RULES` where some of its fields are under rules or read by
    /// them (objects without spare every field the checks).
    #[inline(always)]
    fn generate_here<const RULES: bool, S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let shallow = ctx.shallow();
        out.begin_object();
        let count = match &self.presence {
            // The common case: each key's presence is its own draw, nothing to reconcile.
            None => {
                let mut count = 0;
                for prop in &self.properties {
                    if self.is_present(prop, shallow, ctx, key) {
                        self.write_property::<RULES, S>(prop, ctx, key, out);
                        count += 1;
                    }
                }
                count
            }
            // Past the recursion bound, the keys compilation measured the recursion's
            // end by.
            Some(rules) if let Some(keys) = rules.shallow.get().filter(|_| shallow) => {
                let mut count = 0;
                for (prop, _) in self.properties.iter().zip(keys).filter(|(_, p)| **p) {
                    self.write_property::<RULES, S>(prop, ctx, key, out);
                    count += 1;
                }
                count
            }
            Some(rules) => {
                let mut present: SmallVec<[bool; 32]> = self
                    .properties
                    .iter()
                    .map(|p| self.is_present(p, shallow, ctx, key))
                    .collect();
                rules.repair(&mut present, key);
                let mut count = 0;
                for (prop, _) in self.properties.iter().zip(&present).filter(|(_, p)| **p) {
                    self.write_property::<RULES, S>(prop, ctx, key, out);
                    count += 1;
                }
                count
            }
        };
        if let Some(extra) = &self.extra {
            self.generate_extra(extra, count, shallow, ctx, key, out);
        }
        out.end_object();
    }

    /// Whether the object of `key` has `prop` before the presence constraints are
    /// reconciled: required, or drawn under its absent rate (none past the recursion
    /// bound, `shallow`), or kept by its rule.
    #[inline(always)]
    fn is_present(&self, prop: &Property, shallow: bool, ctx: &mut Ctx, key: u64) -> bool {
        if let Node::Ruled(rule) = &prop.node {
            return self.ruled_is_present(rule, ctx, key);
        }
        // An absent rate of 0 needs no draw (every draw would keep the key).
        prop.required
            || (!shallow
                && (prop.absent_rate <= 0.0
                    || unit(mix_prepared(key, prop.presence_salt)) >= prop.absent_rate))
    }

    // Rules stay out of line: the loops over properties are every table's hot path.
    #[inline(never)]
    fn ruled_is_present(&self, rule: &RuledGen, ctx: &mut Ctx, key: u64) -> bool {
        rule.is_present(self, ctx, key)
    }

    #[inline(always)]
    fn write_property<const RULES: bool, S: Sink>(
        &self,
        prop: &Property,
        ctx: &mut Ctx,
        key: u64,
        out: &mut S,
    ) {
        out.key_encoded(&prop.name, &prop.key_json);
        self.write_value::<RULES, S>(prop, ctx, key, out);
    }

    /// Writes the value of `prop` in the object of `key`; a field under rules reads its
    /// siblings through this object.
    #[inline(always)]
    fn write_value<const RULES: bool, S: Sink>(
        &self,
        prop: &Property,
        ctx: &mut Ctx,
        key: u64,
        out: &mut S,
    ) {
        let value_key = mix_prepared(key, prop.value_salt);
        if RULES {
            if let Node::Ruled(rule) = &prop.node {
                return self.write_ruled(prop, rule, ctx, key, value_key, out);
            }
            if prop.slot.is_some() {
                return self.write_read(prop, ctx, key, value_key, out);
            }
        }
        prop.node.generate(ctx, value_key, out);
    }

    /// Writes a field that rules read, keeping what it drew where that is a number, a
    /// date or an enum value: the rules that read it after need not draw it again.
    #[inline(never)]
    fn write_read<S: Sink>(
        &self,
        prop: &Property,
        ctx: &mut Ctx,
        key: u64,
        value_key: u64,
        out: &mut S,
    ) {
        if let Some(drawn) = write_drawn(&prop.node, ctx, value_key, out) {
            ctx.read_siblings.keep(self, key, prop, &drawn);
        }
    }

    #[inline(never)]
    fn write_ruled<S: Sink>(
        &self,
        prop: &Property,
        rule: &RuledGen,
        ctx: &mut Ctx,
        key: u64,
        value_key: u64,
        out: &mut S,
    ) {
        rule.write(self, prop, ctx, key, value_key, out);
    }

    /// The value property `index` has in the object of `key`, as [`generate`] writes it,
    /// peeked for a rule. (Presence constraints, which reconcile all keys at once, are
    /// not consulted: compilation keeps rules from leaving out keys of objects that have
    /// them.)
    ///
    /// [`generate`]: ObjectGen::generate
    pub fn peek(&self, ctx: &mut Ctx, key: u64, index: usize) -> Peeked<'_> {
        let prop = &self.properties[index];
        if prop.slot.is_none() {
            return self.peek_again(ctx, key, prop);
        }
        self.peek_kept(ctx, key, prop)
    }

    /// The value of a field with a slot: kept there once read.
    fn peek_kept<'s>(&'s self, ctx: &mut Ctx, key: u64, prop: &'s Property) -> Peeked<'s> {
        if let Some(read) = ctx.read_siblings.recall(self, key, prop) {
            return read;
        }
        let peeked = self.peek_again(ctx, key, prop);
        ctx.read_siblings.keep(self, key, prop, &peeked);
        peeked
    }

    fn peek_again<'s>(&'s self, ctx: &mut Ctx, key: u64, prop: &'s Property) -> Peeked<'s> {
        if !self.is_present(prop, ctx.shallow(), ctx, key) {
            return Peeked::Absent;
        }
        let value_key = mix_prepared(key, prop.value_salt);
        self.in_entity(ctx, key, |ctx| match &prop.node {
            Node::Ruled(rule) => rule.peek(self, ctx, key, value_key),
            node => peek_node(node, ctx, value_key),
        })
    }

    /// Appends the text of property `index` in the object of `key`, as a template
    /// reads it: generated into `out` where the property is under no rule, so that a
    /// name read by a template is written once, as text, and never built as a value.
    pub fn peek_text(&self, ctx: &mut Ctx, key: u64, index: usize, out: &mut String) {
        let prop = &self.properties[index];
        if let Node::Ruled(_) = prop.node {
            return self.peek(ctx, key, index).push_text(out);
        }
        if !self.is_present(prop, ctx.shallow(), ctx, key) {
            return;
        }
        let value_key = mix_prepared(key, prop.value_salt);
        self.in_entity(ctx, key, |ctx| {
            prop.node.generate(ctx, value_key, &mut TextSink::new(out))
        });
    }

    /// Runs `read` with the entity key a field of the object of `key` draws from, as
    /// when the object writes it.
    fn in_entity<T>(&self, ctx: &mut Ctx, key: u64, read: impl FnOnce(&mut Ctx) -> T) -> T {
        let entity = if self.entities { key } else { ctx.entity };
        let outer = std::mem::replace(&mut ctx.entity, entity);
        let value = read(ctx);
        ctx.entity = outer;
        value
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
        // Inside recursion extra keys count towards the record's budget, as array
        // elements do: keys whose values recurse into objects that need keys again
        // multiply without end. Elsewhere the schema's own size bounds them
        // (schema::limits), and a record past its budget would lose the optional
        // keys that tell `oneOf` branches apart.
        if ctx.depth > 0 {
            ctx.count_entries(n);
        } else {
            ctx.drawn += n as u64;
        }
        // Names already used, by hash: a (practically impossible) collision only costs
        // one more draw.
        let mut used: SmallVec<[u64; 16]> = SmallVec::new();
        let mut name = String::new();
        let mut attempt = 0u64;
        let attempts = 16 * (n as u64 + 1);
        let enough =
            |found: usize| found >= n || extra.available_names.is_some_and(|a| found as u64 >= a);
        while !enough(used.len()) && attempt < attempts {
            name.clear();
            extra.names.write(ctx, mix(key, EXTRA ^ attempt), &mut name);
            attempt += 1;
            let hash = hash_str(&name);
            if name.is_empty() && !used.is_empty()
                || extra.reserved.iter().any(|r| **r == *name)
                || used.contains(&hash)
            {
                continue;
            }
            out.key(&name);
            extra.value.generate(ctx, mix(key, hash), out);
            used.push(hash);
        }
        if used.len() < need {
            // The names ran out (a pattern with few strings): the object is short of
            // minProperties.
            let trial = Trial::DistinctKeys {
                found: declared + used.len(),
                min: declared + need,
            };
            ctx.fail(&extra.pointer, trial);
        }
    }
}
