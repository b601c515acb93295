//! The generators. A compiled [`Plan`] is a tree of small typed [`Node`]s; each node
//! writes one JSON value into a [`Sink`], drawing all its randomness from the 64-bit key
//! it is handed (see [`crate::rng`]), so a value depends only on `(seed, table, row,
//! path)`.

pub mod array;
pub mod checked;
pub mod choice;
pub mod distribution;
pub mod domain;
pub mod expression;
pub mod fields;
pub mod format;
pub mod noise;
pub mod number;
pub mod object;
pub mod parent_rule;
pub mod pattern;
pub mod permutation;
pub mod presence;
pub mod reference;
pub mod rule;
pub mod samples;
pub mod scalar;
pub mod string;
pub mod template;
pub mod temporal;
#[cfg(test)]
pub(crate) mod test_util;
pub mod union;
pub mod unique;

use std::sync::Arc;

use crate::error::{Exhausted, Trial};
use crate::sink::Sink;
use crate::table::FieldInfo;

pub use array::ArrayGen;
pub use checked::CheckedGen;
pub use number::{IntegerGen, NumberGen};
pub use object::ObjectGen;
pub use scalar::{BoolGen, EnumGen};
pub use string::StringGen;
pub use union::UnionGen;

/// How deep recursive references may nest before generation steers towards the
/// shortest way out (the non-recursive branch, the empty array, the absent key).
pub const MAX_RECURSION: u32 = 2;

/// How deep recursive references may nest at all: compilation proves that generation
/// past [`MAX_RECURSION`] ends within as many levels as the schema has recursive targets,
/// so this is a backstop, which fails the row rather than overflow the stack.
pub const MAX_RECURSION_DEPTH: u32 = 64;

/// Validation attempts one row may spend in checked generators.
pub const CHECK_BUDGET: u32 = 2_000;

/// A retry is charged one attempt more for every this many array elements and extra
/// keys its rejected value drew: it is generating and validating big values again and
/// again that makes a row slow (2,000 retries of an object of 40 objects of 40 keys
/// took a second), and small ones, the common case, stay at one.
pub const ENTRIES_PER_RETRY: u64 = 64;

/// Array elements and extra object keys one record may hold before the rest of it is
/// generated minimal
/// (shortest arrays, no optional keys, the non-recursive branch), as past the recursion
/// bound: what keeps a record of a wide schema small. Elements drawn in checked attempts
/// that were rejected count too: it bounds the work, and minimal values satisfy most of
/// what trial is for.
pub const RECORD_BUDGET: u32 = 1_000;

/// Added to [`Ctx::depth`] once a record is past [`RECORD_BUDGET`], so that
/// [`Ctx::shallow`] holds for the rest of it at no cost to the usual path.
pub(crate) const BUDGET_DEPTH: u32 = 1 << 16;

/// One generator in the tree. The composite generators are shared (`Arc`): a definition
/// reached by many paths is one subtree however often the plan refers to it, so a plan
/// is as large as its schema, not as its expansion, and cloning a node is cheap.
///
/// An explicit tag (`repr(u8)`): left to itself, the compiler hides the variant in a
/// spare value of a field, which costs every node's dispatch a few instructions more.
#[derive(Debug, Clone)]
#[repr(u8)]
pub enum Node {
    /// Always the same value (`const`, or an `enum` of one).
    Const(serde_json::Value),
    Enum(EnumGen),
    Null,
    Bool(BoolGen),
    Integer(IntegerGen),
    Number(NumberGen),
    String(StringGen),
    Object(Arc<ObjectGen>),
    Array(Arc<ArrayGen>),
    /// One of several alternatives (`anyOf`, `oneOf`, a list of types, nullable).
    Union(Arc<UnionGen>),
    /// A generator whose output is validated and regenerated until it passes.
    Checked(Arc<CheckedGen>),
    /// Never repeats across the dataset.
    Unique(Box<unique::UniqueGen>),
    /// Sometimes a deliberately invalid value.
    Noisy(noise::NoiseGen),
    /// A user-written generator (always inside a `Checked`).
    Custom(CustomGen),
    /// A recursive reference: generates `Plan::recursive[i]` one level deeper.
    Recurse(usize),
    /// A foreign key: the key value of a parent row (`Plan::references`).
    Reference(reference::ReferenceGen),
    /// A property under cross-field rules (`after`, `before`, `when`), which its object
    /// writes with its siblings at hand.
    Ruled(Arc<rule::RuledGen>),
}

/// A user-written generator, with the JSON types its schema allows (what statistics
/// and export columns go by, since its values are only known when drawn).
#[derive(Debug, Clone)]
pub struct CustomGen {
    pub synthesizer: Arc<dyn crate::synthesizer::Synthesizer>,
    /// JSON type names (`"string"`, `"number"`, ...); empty when the schema names none.
    pub types: Vec<&'static str>,
}

/// Per-row generation state.
pub struct Ctx<'p> {
    pub plan: &'p Plan,
    /// The dataset's seed: other tables' keys derive from it (foreign keys).
    pub seed: u64,
    pub row: u64,
    /// `mix(seed, table)`: what keys dataset-wide permutations.
    pub table_key: u64,
    /// Nesting of recursive references (plus [`BUDGET_DEPTH`] once past the record's
    /// budget).
    pub depth: u32,
    /// Set by a checked generator whose ordinary attempts failed: produce the smallest
    /// value (no optional keys, shortest arrays), which satisfies most
    /// `unevaluated*`/`maxProperties`/`dependentSchemas` schemas.
    pub minimal: bool,
    /// Validation attempts left for this row: nested checked generators share it, so
    /// retries cannot multiply with depth.
    pub check_budget: u32,
    /// How many deliberately bad values (`noise`) this row holds.
    pub noisy: u32,
    /// Array elements drawn so far in this row (see [`RECORD_BUDGET`]).
    pub entries: u32,
    /// Array elements and extra keys drawn so far in this row, at any depth: what a
    /// checked generator's retries are charged by ([`ENTRIES_PER_RETRY`]).
    pub drawn: u64,
    /// The key of the innermost object being written whose fields draw entities (a
    /// person, a place: domain/entity.rs); each entity's key is this mixed with its
    /// group's salt.
    pub entity: u64,
    /// The values of siblings that rules read in the objects being written.
    pub read_siblings: rule::ReadSiblings,
    /// The first value of this row that trial could not find: the row is invalid, and
    /// [`Plan::generate`] returns this instead of the row.
    pub failure: Option<Box<Exhausted>>,
}

impl<'p> Ctx<'p> {
    /// The state at the start of `row`.
    pub fn new(plan: &'p Plan, seed: u64, table_key: u64, row: u64) -> Ctx<'p> {
        Ctx {
            plan,
            seed,
            table_key,
            row,
            depth: 0,
            minimal: false,
            noisy: 0,
            check_budget: CHECK_BUDGET,
            entries: 0,
            drawn: 0,
            entity: 0,
            read_siblings: rule::ReadSiblings::default(),
            failure: None,
        }
    }

    /// True once recursion is deep enough that generation should head for a leaf.
    pub fn shallow(&self) -> bool {
        self.minimal || self.depth >= MAX_RECURSION
    }

    /// Counts `n` more array elements or extra object keys in the row: past
    /// [`RECORD_BUDGET`], the rest of the record heads for leaves, as past the recursion
    /// bound (the offset stays through the recursion's +1/-1).
    #[inline(always)]
    pub fn count_entries(&mut self, n: usize) {
        self.drawn += n as u64;
        // Wrapping: a row holds far fewer than 2^32 entries (each one is generated).
        self.entries = self.entries.wrapping_add(n as u32);
        if self.entries >= RECORD_BUDGET && self.depth < MAX_RECURSION {
            self.depth += BUDGET_DEPTH;
        }
    }

    /// Fails the row at recursive target `slot`, nested [`MAX_RECURSION_DEPTH`] deep,
    /// writing a null in its place to keep the sink's structure whole.
    #[cold]
    fn recursion_too_deep<S: Sink>(&mut self, slot: usize, out: &mut S) {
        let plan = self.plan;
        self.fail(
            &plan.recursive_at[slot],
            Trial::Recursion {
                levels: MAX_RECURSION_DEPTH,
            },
        );
        out.null();
    }

    /// Records that no valid value was found at `pointer`; the row's first such
    /// failure is the one reported.
    #[cold]
    pub fn fail(&mut self, pointer: &str, trial: Trial) {
        if self.failure.is_none() {
            self.failure = Some(Box::new(Exhausted {
                pointer: pointer.to_owned(),
                trial,
            }));
        }
    }
}

impl Node {
    /// The address of a shared (composite) node's generator: the same for every path
    /// that leads to it.
    pub fn shared_address(&self) -> Option<*const ()> {
        match self {
            Node::Object(o) => Some(Arc::as_ptr(o).cast()),
            Node::Array(a) => Some(Arc::as_ptr(a).cast()),
            Node::Union(u) => Some(Arc::as_ptr(u).cast()),
            Node::Checked(c) => Some(Arc::as_ptr(c).cast()),
            _ => None,
        }
    }

    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        match self {
            Node::Const(v) => out.value(v),
            Node::Enum(g) => g.generate(key, out),
            Node::Null => out.null(),
            Node::Bool(g) => g.generate(key, out),
            Node::Integer(g) => g.generate(ctx, key, out),
            Node::Number(g) => g.generate(key, out),
            Node::String(g) => g.generate_in(key, ctx.entity, out),
            Node::Object(g) => g.generate(ctx, key, out),
            Node::Array(g) => g.generate(ctx, key, out),
            Node::Union(g) => g.generate(ctx, key, out),
            Node::Checked(g) => g.generate(ctx, key, out),
            Node::Unique(g) => g.generate(ctx, key, out),
            Node::Noisy(g) => g.generate(ctx, key, out),
            Node::Custom(g) => out.value(
                &g.synthesizer
                    .generate(&mut crate::rng::rng_for(key), ctx.row),
            ),
            Node::Recurse(i) => {
                if ctx.depth % BUDGET_DEPTH >= MAX_RECURSION_DEPTH {
                    return ctx.recursion_too_deep(*i, out);
                }
                ctx.depth += 1;
                ctx.plan.recursive[*i].generate(ctx, key, out);
                ctx.depth -= 1;
            }
            Node::Reference(g) => g.generate(ctx, key, out),
            // Outside its object (the tuner's timing of one field), a field under rules
            // is its own generator.
            Node::Ruled(g) => g.own.generate(ctx, key, out),
        }
    }

    /// The JSON type names this node can produce.
    pub fn type_names(&self, out: &mut Vec<&'static str>) {
        let mut push = |t: &'static str| {
            if !out.contains(&t) {
                out.push(t)
            }
        };
        match self {
            Node::Const(v) => push(value_type(v)),
            Node::Enum(g) => g.values().iter().for_each(|v| push(value_type(v))),
            Node::Null => push("null"),
            Node::Bool(_) => push("boolean"),
            Node::Integer(_) => push("integer"),
            Node::Number(_) => push("number"),
            Node::String(_) => push("string"),
            Node::Object(_) => push("object"),
            Node::Array(_) => push("array"),
            Node::Union(g) => g.branches().iter().for_each(|b| b.type_names(out)),
            Node::Checked(g) => g.inner().type_names(out),
            Node::Recurse(_) => push("object"),
            Node::Reference(g) => g.own.type_names(out),
            Node::Custom(g) if g.types.is_empty() => push("any"),
            Node::Custom(g) => g.types.iter().for_each(|&t| push(t)),
            Node::Noisy(g) => g.inner.type_names(out),
            Node::Ruled(g) => g.own.type_names(out),
            Node::Unique(g) => match &g.kind {
                unique::UniqueKind::Integer { .. } => push("integer"),
                unique::UniqueKind::Listed(vs) => vs.iter().for_each(|v| push(value_type(v))),
                unique::UniqueKind::Tagged { .. } => push("string"),
                unique::UniqueKind::Natural(n) => n.type_names(out),
                unique::UniqueKind::Pattern(_) => push("string"),
            },
        }
    }

    /// A short description of the generator, for the tuner and `check`.
    pub fn describe(&self) -> String {
        match self {
            Node::Const(v) => format!("const {v}"),
            Node::Enum(g) => g.describe(),
            Node::Null => "null".into(),
            Node::Bool(g) => g.describe(),
            Node::Integer(g) => g.describe(),
            Node::Number(g) => g.describe(),
            Node::String(g) => g.describe(),
            Node::Object(g) => format!("object ({} properties)", g.properties().len()),
            Node::Array(g) => g.describe(),
            Node::Union(g) => g.describe(),
            Node::Checked(g) => format!("{} (checked)", g.inner().describe()),
            Node::Recurse(_) => "recursive".into(),
            Node::Reference(g) => format!("foreign key (unlinked: {})", g.own.describe()),
            Node::Custom(g) => format!("synthesizer {:?}", g.synthesizer),
            Node::Noisy(g) => format!("{} with {:.1}% noise", g.inner.describe(), g.rate * 100.0),
            Node::Ruled(g) => g.label.clone(),
            Node::Unique(g) => g.describe(match &g.kind {
                unique::UniqueKind::Integer { lo, step } => {
                    format!("integer from {lo} step {step}")
                }
                unique::UniqueKind::Listed(vs) => format!("enum of {}", vs.len()),
                unique::UniqueKind::Tagged { inner, .. } => inner.describe(),
                unique::UniqueKind::Natural(n) => n.describe(),
                unique::UniqueKind::Pattern(p) => {
                    format!("pattern, {} strings", p.distinct().unwrap_or(0))
                }
            }),
        }
    }
}

fn value_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// A compiled schema: the root generator plus the targets of recursive references.
#[derive(Debug)]
pub struct Plan {
    pub root: Node,
    pub recursive: Vec<Node>,
    /// The JSON Pointer of each recursive target, by slot.
    pub recursive_at: Vec<String>,
    /// The foreign keys, by slot ([`reference::ReferenceGen::slot`]).
    pub references: Vec<reference::ReferenceSlot>,
    /// Orderings against parent tables' fields, by slot
    /// ([`parent_rule::ParentOrderRef::slot`]).
    pub parent_orders: Vec<parent_rule::ParentOrderSlot>,
}

impl Plan {
    /// Writes the value for `row`; returns how many deliberately bad values it holds,
    /// or, when trial found no valid value somewhere in it, where and what was tried:
    /// then what `out` received is not a valid record and must be dropped.
    #[inline(always)]
    pub fn generate<S: Sink>(
        &self,
        seed: u64,
        table_key: u64,
        row: u64,
        out: &mut S,
    ) -> Result<u32, Box<Exhausted>> {
        let key = crate::rng::mix(table_key, row);
        let mut ctx = Ctx::new(self, seed, table_key, row);
        self.root.generate(&mut ctx, key, out);
        match ctx.failure {
            None => Ok(ctx.noisy),
            Some(failure) => Err(failure),
        }
    }

    /// The fewest distinct values any unique field has, with its pointer: the most rows
    /// the table can have.
    pub fn unique_capacity(&self) -> Option<(u64, String)> {
        let mut best: Option<(u64, String)> = None;
        fields::visit(&self.root, &mut |node| {
            if let Node::Unique(u) = node
                && best.as_ref().is_none_or(|(c, _)| u.capacity < *c)
            {
                best = Some((u.capacity, u.pointer.clone()));
            }
        });
        best
    }

    /// Every field path, in schema order (see [`crate::stats`] for the path syntax).
    /// Every cross-field rule, with where it is (statistics check them on the sample).
    pub fn rules(&self) -> Vec<rule::RuleInfo> {
        let mut rules = Vec::new();
        fields::collect_rules(self, &self.root, &mut rules);
        rules
    }

    pub fn fields(&self) -> Vec<FieldInfo> {
        let mut fields = Vec::new();
        fields::collect(self, &self.root, &mut fields);
        fields
    }

    /// Nanoseconds per value of each field in [`Plan::fields`], measured by generating each
    /// field's node on its own, about `rows` times in all. The rows are split into
    /// [`COST_ROUNDS`] rounds that visit every field in turn, and each field keeps its
    /// fastest round: a pause that hits one round (a page fault, the other threads of
    /// the tuner, the machine) does not show as a slow field.
    pub fn field_costs(&self, seed: u64, key: u64, rows: u64) -> Vec<f64> {
        let mut nodes = Vec::new();
        fields::collect_nodes(self, &self.root, &mut nodes);
        let per_round = rows.div_ceil(COST_ROUNDS).max(1);
        let mut best = vec![f64::INFINITY; nodes.len()];
        let mut sink = crate::sink::JsonWriter::new();
        for round in 0..COST_ROUNDS {
            let first = round * per_round;
            for (node, best) in nodes.iter().zip(&mut best) {
                let mut ctx = Ctx::new(self, seed, key, first);
                let start = std::time::Instant::now();
                for row in first..first + per_round {
                    ctx.row = row;
                    ctx.check_budget = CHECK_BUDGET;
                    ctx.entries = 0;
                    ctx.depth = 0;
                    sink.buf.clear();
                    node.generate(&mut ctx, crate::rng::mix(key, row), &mut sink);
                }
                let nanos = start.elapsed().as_nanos() as f64 / per_round as f64;
                *best = best.min(nanos);
            }
        }
        best
    }
}

/// How many rounds [`Plan::field_costs`] splits its rows into.
const COST_ROUNDS: u64 = 5;

#[cfg(test)]
mod tests {
    use super::object::Property;
    use super::*;
    use crate::sink::ValueSink;

    /// Recursion that compilation failed to prove endless (a plan built by hand: an
    /// object whose required key is itself) fails the row at the backstop, with the
    /// target's pointer, instead of overflowing the stack.
    #[test]
    fn endless_recursion_fails_the_row_at_the_backstop() {
        let endless = Node::Object(Arc::new(ObjectGen {
            properties: vec![Property::new(
                "next".to_owned(),
                Node::Recurse(0),
                true,
                0.0,
                "/properties/next".to_owned(),
            )],
            presence: None,
            extra: None,
            min_properties: 0,
            entities: false,
            has_rules: false,
            kept_fields: 0,
        }));
        let plan = Plan {
            root: Node::Recurse(0),
            recursive: vec![endless],
            recursive_at: vec!["/$defs/n".to_owned()],
            references: Vec::new(),
            parent_orders: Vec::new(),
        };
        let failure = plan
            .generate(1, 2, 0, &mut ValueSink::new())
            .expect_err("no finite value");
        assert_eq!(failure.pointer, "/$defs/n");
        assert_eq!(
            failure.trial,
            Trial::Recursion {
                levels: MAX_RECURSION_DEPTH
            }
        );
    }
}
