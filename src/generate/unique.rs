//! Values that never repeat across a dataset (`unique`, `key: "primary"`), computed from
//! the row number alone: a keyed permutation of the value space, or a row token woven
//! into a string.

use serde_json::Value;

use super::pattern::PatternGen;
use super::permutation::{Permutation, base36};
use super::string::StringGen;
use super::{Ctx, Node};
use crate::rng::mix;
use crate::sink::Sink;

#[derive(Debug, Clone)]
pub enum UniqueKind {
    /// `lo + perm(row) * step`.
    Integer { lo: i64, step: i64 },
    /// `values[perm(row)]`.
    Listed(Vec<Value>),
    /// A string with the row's base-36 token woven in (before an `@`, else at the end),
    /// kept within `max` characters.
    Tagged { inner: StringGen, max: usize },
    /// Values that are unique by construction (sequences, UUIDs).
    Natural(Box<Node>),
    /// The `perm(row)`-th string of a pattern of one fixed shape (`^C-[0-9]{6}$`).
    Pattern(Box<PatternGen>),
}

#[derive(Debug, Clone)]
pub struct UniqueGen {
    pub kind: UniqueKind,
    /// How many distinct values there are: the most rows this field can serve.
    pub capacity: u64,
    /// Keys the permutation; from the field's pointer, so it is the same on every row.
    pub salt: u64,
    pub pointer: String,
    /// Marked `key: "primary"` (not just `unique`): export declares it `PRIMARY KEY`.
    pub primary_key: bool,
}

impl UniqueGen {
    // Not inlined into `Node::generate`: that would give every node, leaves included,
    // this function's stack frame and hoisted draws.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let perm = || Permutation::new(self.capacity, mix(ctx.table_key, self.salt)).apply(ctx.row);
        match &self.kind {
            UniqueKind::Integer { lo, step } => out.int(lo + perm() as i64 * step),
            UniqueKind::Listed(values) => out.value(&values[perm() as usize]),
            UniqueKind::Tagged { inner, max } => out.str_with(|buf| {
                // The buffer may hold other text before this value's.
                let start = buf.len();
                inner.write(key, buf);
                let mut token = [0u8; 13];
                let token = base36(ctx.row, &mut token);
                let value = &buf[start..];
                // A byte loop: str::find's general search costs more on short values.
                let at = start + value.bytes().position(|b| b == b'@').unwrap_or(value.len());
                // Bytes bound characters from above: most values need no count.
                let overflow = if value.len() + token.len() <= *max {
                    0
                } else {
                    (value.chars().count() + token.len()).saturating_sub(*max)
                };
                // Shorten the part before the token to make room.
                let mut cut = at;
                for _ in 0..overflow {
                    if let Some((i, _)) = buf[start..cut].char_indices().next_back() {
                        cut = start + i;
                    }
                }
                if cut == at {
                    buf.insert_str(at, token);
                } else {
                    buf.replace_range(cut..at, token);
                }
            }),
            UniqueKind::Natural(node) => node.generate(ctx, key, out),
            UniqueKind::Pattern(pattern) => out.str_with(|buf| pattern.write_nth(perm(), buf)),
        }
    }

    pub fn describe(&self, inner: String) -> String {
        format!("unique {inner}")
    }
}
