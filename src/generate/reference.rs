//! Foreign keys (`references`): a child field whose values are key values that rows of
//! the parent table really hold, with a fan-out distribution over the parent rows.
//!
//! The parent table is never held in memory. Parent row `j` is a pure function of
//! `(seed, parent, j)`, so the child draws a parent row index and recomputes that row's
//! key value exactly as the parent's own export computes it: the parent's key generator
//! under the parent's table key, with the key the parent's object tree would hand it.
//! For the usual keys (sequences, keyed permutations of a range) that is O(1).
//!
//! The fan-out: a rank is drawn from the `fanout` distribution over the parents that get
//! children, then a keyed shuffle maps ranks to parent rows, so the busiest parents are
//! not simply the first ids. A self-reference (an employee's manager) draws among the rows
//! before its own, so that a tree loads in row order; its first row is null.

use std::sync::OnceLock;

use rand::RngExt;

use super::choice::unit;
use super::distribution::{DistributionSpec, IntSampler};
use super::permutation::Permutation;
use super::{Ctx, Node};
use crate::rng::{mix, mix_prepared, rng_for, table_key};
use crate::schema::validator::Conjunction;
use crate::sink::Sink;

/// Keeps the null draw apart from the parent draw.
const NULL_SALT: u64 = 0x4e55_4c4c_4b45_5921;

/// The `fanout` knob: how children spread over the parent rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Fanout {
    /// Over parent ranks 0, 1, ...: uniform by default; `zipf` for a few busy parents.
    pub distribution: DistributionSpec,
    /// The share of parents that get no child at all.
    pub none_share: f64,
}

impl Default for Fanout {
    fn default() -> Self {
        Fanout {
            distribution: DistributionSpec::Uniform,
            none_share: 0.0,
        }
    }
}

impl Fanout {
    pub fn describe(&self) -> String {
        if self.none_share > 0.0 {
            format!(
                "{}, {:.0}% of parents without children",
                self.distribution.describe(),
                self.none_share * 100.0
            )
        } else {
            self.distribution.describe()
        }
    }
}

/// A `references` knob as the compiler found it; [`ReferenceSlot::link`] is filled when
/// the tables of a dataset are put together (`crate::dataset`).
#[derive(Debug, Clone)]
pub struct ReferenceSlot {
    /// `"Table.field"`, as written.
    pub target: String,
    /// The JSON Pointer of the `references` knob (what a refusal names).
    pub pointer: String,
    pub fanout: Fanout,
    /// Where `fanout` was written, if it was.
    pub fanout_pointer: Option<String>,
    /// The field's own schema: what every parent value must satisfy.
    pub accepts: Conjunction,
    /// The field's own schema allows `null` (a self-reference's first row writes it).
    pub nullable: bool,
    pub link: Option<ParentLink>,
}

impl ReferenceSlot {
    /// For `check` and the tuner: where the values come from.
    pub fn describe(&self, own: &Node) -> String {
        match &self.link {
            Some(link) => format!(
                "references {}.{} ({} rows), fanout {}",
                link.table,
                link.field,
                link.rows,
                self.fanout.describe()
            ),
            None => format!(
                "references {} (not linked): {}",
                self.target,
                own.describe()
            ),
        }
    }
}

/// The parent rows a child field draws from, and how to recompute their keys.
#[derive(Debug, Clone)]
pub struct ParentLink {
    /// The parent table's name, and its hash (its table key is `table_key(seed, hash)`).
    pub table: String,
    table_hash: u64,
    /// The parent field's path, e.g. `customer_id`.
    pub field: String,
    /// The parent's row count.
    pub rows: u64,
    /// Prepared salts from the parent's row key down to the key field (one per property).
    salts: Vec<u64>,
    /// The parent's key generator.
    key: Node,
    pub draw: ParentDraw,
    /// Fields that must pick the same parent row (a composite key) share this salt and
    /// draw from the child's row key; otherwise `None`, and the field draws from its own.
    pub group: Option<u64>,
    /// The first generated row's seed's keys, kept for the rows that follow (an export
    /// uses one seed).
    cached: OnceLock<ParentKeys>,
}

/// The seed-dependent parts of a link: the parent's table key and the shuffle of its
/// rows.
#[derive(Debug, Clone, Copy)]
pub struct ParentKeys {
    seed: u64,
    parent_key: u64,
    shuffle: Option<Permutation>,
}

/// How a child picks a parent row.
#[derive(Debug, Clone)]
pub enum ParentDraw {
    /// A rank from the fan-out over the `active` parents with children, then a keyed
    /// shuffle of all the rows.
    Shuffled {
        ranks: IntSampler,
        shuffle_salt: u64,
    },
    /// A self-reference: among the rows before the child's own (uniformly, or the rank
    /// of the fan-out folded into them, so that the first rows are the busiest).
    Earlier { ranks: Option<IntSampler> },
}

impl ParentLink {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        table: String,
        table_hash: u64,
        field: String,
        rows: u64,
        salts: Vec<u64>,
        key: Node,
        draw: ParentDraw,
        group: Option<u64>,
    ) -> ParentLink {
        ParentLink {
            table,
            table_hash,
            field,
            rows,
            salts,
            key,
            draw,
            group,
            cached: OnceLock::new(),
        }
    }

    /// The parent's table key and row shuffle under `seed`.
    pub fn keys(&self, seed: u64) -> ParentKeys {
        let parent_key = table_key(seed, self.table_hash);
        let shuffle = match &self.draw {
            ParentDraw::Shuffled { shuffle_salt, .. } => {
                Some(Permutation::new(self.rows, mix(parent_key, *shuffle_salt)))
            }
            ParentDraw::Earlier { .. } => None,
        };
        ParentKeys {
            seed,
            parent_key,
            shuffle,
        }
    }

    /// [`ParentLink::keys`], kept for the seed that generates first.
    #[inline]
    fn cached_keys(&self, seed: u64) -> ParentKeys {
        match self.cached.get() {
            Some(keys) if keys.seed == seed => *keys,
            _ => {
                let keys = self.keys(seed);
                // Another thread may have set it first, for this seed or another.
                let _ = self.cached.set(keys);
                keys
            }
        }
    }

    /// The parent's key generator (export types the child's column after it).
    pub fn key_node(&self) -> &Node {
        &self.key
    }

    /// The parent row a child row draws with `key`; `None` for a self-reference's first
    /// row, which has no row before it.
    #[inline]
    pub fn parent_row(&self, keys: &ParentKeys, child_row: u64, key: u64) -> Option<u64> {
        let mut rng = rng_for(key);
        match &self.draw {
            ParentDraw::Shuffled { ranks, .. } => {
                let rank = ranks.sample(&mut rng) as u64;
                let shuffle = keys.shuffle.expect("a shuffled draw has a shuffle");
                Some(shuffle.apply(rank))
            }
            ParentDraw::Earlier { .. } if child_row == 0 => None,
            ParentDraw::Earlier { ranks: None } => Some(rng.random_range(0..child_row)),
            ParentDraw::Earlier { ranks: Some(ranks) } => {
                Some(ranks.sample(&mut rng) as u64 % child_row)
            }
        }
    }

    /// Writes parent row `row`'s key value, as the parent's own export writes it.
    #[inline]
    pub fn write_key<S: Sink>(&self, ctx: &Ctx, keys: &ParentKeys, row: u64, out: &mut S) {
        let parent_key = keys.parent_key;
        let key = self
            .salts
            .iter()
            .fold(mix(parent_key, row), |k, &salt| mix_prepared(k, salt));
        // The key generator holds no recursion: the child's plan serves as any.
        let mut parent = Ctx::new(ctx.plan, ctx.seed, parent_key, row);
        self.key.generate(&mut parent, key, out);
    }
}

/// A field whose values come from the parent's rows once linked; until then (a table
/// compiled on its own) from its own schema.
#[derive(Debug, Clone)]
pub struct ReferenceGen {
    /// Index into `Plan::references`.
    pub slot: usize,
    /// The field's own generator: what an unlinked table writes.
    pub own: Box<Node>,
    /// The share of nulls the field's own schema asks for (its `null` branch).
    pub null_rate: f64,
}

impl ReferenceGen {
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let Some(link) = &ctx.plan.references[self.slot].link else {
            return self.own.generate(ctx, key, out);
        };
        match self.pick(link, ctx, key) {
            Some((keys, row)) => link.write_key(ctx, &keys, row, out),
            None => out.null(),
        }
    }

    /// The parent row the field of `key` references; `None` where the table is not
    /// linked or the field is null (a rule across tables reads that row's fields).
    pub fn parent_row(&self, ctx: &Ctx, key: u64) -> Option<u64> {
        let link = ctx.plan.references[self.slot].link.as_ref()?;
        self.pick(link, ctx, key).map(|(_, row)| row)
    }

    /// The linked parent's keys and the row drawn, or `None` for a null.
    #[inline(always)]
    fn pick(&self, link: &ParentLink, ctx: &Ctx, key: u64) -> Option<(ParentKeys, u64)> {
        if self.null_rate > 0.0 && unit(mix(key, NULL_SALT)) < self.null_rate {
            return None;
        }
        let draw_key = match link.group {
            Some(salt) => mix(mix(ctx.table_key, ctx.row), salt),
            None => key,
        };
        let keys = link.cached_keys(ctx.seed);
        Some((keys, link.parent_row(&keys, ctx.row, draw_key)?))
    }
}
