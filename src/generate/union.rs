//! One of several alternatives: `anyOf`/`oneOf` branches, several types, nullable values.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::choice::{Choice, unit};
use super::{Ctx, Node};
use crate::rng::mix;
use crate::sink::Sink;

const BRANCH: u64 = 0x4252_414e_4348;

#[derive(Debug)]
pub struct UnionGen {
    branches: Vec<Node>,
    choice: Choice,
    /// Each branch gets the union's own key, not one of its own: the branches are one
    /// schema compiled in several ways (a locale mix), so that what no locale changes
    /// is the same whichever branch a value takes.
    same_key: bool,
    /// The branch that heads out of recursion soonest. Set once after compilation, when
    /// the union may already be shared by many paths (it is the same for all: it depends
    /// on the branches and the recursion alone); atomic only so that it can be set
    /// through a shared reference, and read with no ordering (a plain load).
    shallow_branch: AtomicUsize,
}

impl Clone for UnionGen {
    fn clone(&self) -> UnionGen {
        UnionGen {
            branches: self.branches.clone(),
            choice: self.choice.clone(),
            same_key: self.same_key,
            shallow_branch: AtomicUsize::new(self.shallow_branch()),
        }
    }
}

impl UnionGen {
    /// The branches, for compilation to refine (schema/entities.rs).
    pub fn branches_mut(&mut self) -> &mut [Node] {
        &mut self.branches
    }

    pub fn new(branches: Vec<Node>, weights: &[f64]) -> UnionGen {
        UnionGen {
            choice: Choice::new(weights),
            branches,
            same_key: false,
            shallow_branch: AtomicUsize::new(0),
        }
    }

    /// Branches that are one schema compiled in several ways, each taking the union's
    /// own key ([`UnionGen::same_key`]).
    pub fn variants(branches: Vec<Node>, weights: &[f64]) -> UnionGen {
        UnionGen {
            same_key: true,
            ..UnionGen::new(branches, weights)
        }
    }

    /// The branch taken once generation heads for leaves ([`Ctx::shallow`]).
    pub fn shallow_branch(&self) -> usize {
        self.shallow_branch.load(Ordering::Relaxed)
    }

    /// Sets [`UnionGen::shallow_branch`] (once the recursion's heights are known).
    pub fn set_shallow_branch(&self, branch: usize) {
        self.shallow_branch.store(branch, Ordering::Relaxed);
    }

    pub fn branches(&self) -> &[Node] {
        &self.branches
    }

    /// Each branch's share of the values.
    pub fn shares(&self) -> Vec<f64> {
        self.choice.shares()
    }

    /// The share of nulls, if one branch is `null`.
    pub fn null_rate(&self) -> Option<f64> {
        let shares = self.shares();
        self.branches
            .iter()
            .position(|b| matches!(b, Node::Null))
            .map(|i| shares[i])
    }

    // Not inlined into `Node::generate`: that would give every node, leaves included,
    // this function's stack frame and hoisted draws.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let (branch, key) = self.branch_for(ctx, key);
        branch.generate(ctx, key, out);
    }

    /// The branch the value of `key` comes from, and its key.
    pub fn branch_for(&self, ctx: &Ctx, key: u64) -> (&Node, u64) {
        let i = if ctx.shallow() {
            self.shallow_branch()
        } else {
            self.choice.pick(unit(mix(key, BRANCH)))
        };
        let key = if self.same_key {
            key
        } else {
            mix(key, i as u64)
        };
        (&self.branches[i], key)
    }

    pub fn describe(&self) -> String {
        let non_null: Vec<&Node> = self
            .branches
            .iter()
            .filter(|b| !matches!(b, Node::Null))
            .collect();
        match (non_null.as_slice(), self.null_rate()) {
            ([one], Some(rate)) => format!("{} or null ({:.0}%)", one.describe(), rate * 100.0),
            _ => format!("one of {}", self.branches.len()),
        }
    }
}
