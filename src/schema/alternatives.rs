//! `anyOf`/`oneOf`: each branch compiled with the facts around it, in a weighted union
//! (the `weights` knob, `null_rate` for a `null` branch); a `oneOf` whose branches are not
//! provably disjoint (signature.rs) is checked by a validator. A money field (pydantic's
//! `Decimal`: a number or a string) generates its number.

use std::sync::Arc;

use super::compile::Compiler;
use super::document::Loc;
use super::facts::{ANNOTATIONS, Alternatives, Facts};
use super::knobs::resolve_weights;
use super::signature::Signature;
use crate::error::{Problem, ProblemKind, Severity};
use crate::generate::number::NumberGen;
use crate::generate::{Node, UnionGen};

impl Compiler {
    pub(super) fn build_alternatives(
        &mut self,
        f: Facts,
        group: Alternatives,
    ) -> Result<Node, Problem> {
        let mut nodes = Vec::new();
        let mut names = Vec::new();
        let mut kept = Vec::new();
        let mut signatures = Vec::new();
        let mut first_error = None;
        // A branch left out for want of a value synthtune can make (a knob's values,
        // say) may still match the values of the others.
        let mut dropped = false;
        let twins = self.identical_branches(&group);
        for (i, branch) in group.branches.iter().enumerate() {
            if let Some(twin) = twins[i] {
                let p = Problem::new(
                    branch.pointer.clone(),
                    format!(
                        "identical to {}: a value matching one matches both, and oneOf needs exactly one",
                        group.branches[twin].pointer
                    ),
                );
                self.never_generated(branch, p, &mut first_error);
                continue;
            }
            // Not `dropped`: no value under `f` can match such a branch (its values all
            // break `f`'s patterns), so exclusivity needs no check for it.
            if let Some(p) = self.listed_branch_refused(&f, branch) {
                self.never_generated(branch, p, &mut first_error);
                continue;
            }
            let mut bf = f.clone();
            bf.knob_notes.clear();
            bf.unknown.clear();
            let before_titles = bf.titles.len();
            self.collect(branch, &mut bf)?;
            let mut branch_names = vec![i.to_string()];
            branch_names.extend(bf.titles[before_titles..].iter().cloned());
            if let Some(prop) = &group.discriminator {
                branch_names.extend(self.discriminator_values(&bf, prop));
            }
            let signature = Signature::of(&bf, self);
            match self.compile_branch_facts(bf, branch) {
                Ok(c) => {
                    nodes.push(c.node);
                    names.push(branch_names);
                    kept.push(i);
                    signatures.push(signature);
                }
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                Err(p) => {
                    self.never_generated(branch, p, &mut first_error);
                    dropped = true;
                }
            }
        }
        if nodes.is_empty() {
            let p = first_error
                .unwrap_or_else(|| Problem::new(&group.pointer, "no branch can be generated"));
            return Err(Problem::new(
                group.pointer.clone(),
                format!("no branch can be satisfied; the first: {p}"),
            ));
        }
        if f.knobs.weights.is_none()
            && let Some(money) = self.money_branches(&group, &kept, &nodes)
        {
            if let Some(number) = number_gen_mut(&mut nodes[money.number]) {
                number.money = true;
            }
            self.note(
                Severity::Note,
                group.pointer.clone(),
                format!(
                    "money field (a number or a bare string, as pydantic writes Decimal): \
                     values come from the number branch {}, within its bounds and multipleOf; \
                     the string branch {} is not generated, as its text would not load into \
                     a Decimal; set x-synth.weights to draw strings too",
                    kept[money.number], kept[money.string]
                ),
            );
            nodes.remove(money.string);
            names.remove(money.string);
            kept.remove(money.string);
            signatures.remove(money.string);
        }
        let mut weights = self.branch_weights(&f, &group, &nodes, &names, &kept)?;
        // Any anyOf branch will do: unless weights say otherwise, take the ones generated
        // exactly over those found by trial (pydantic's Decimal is a number or a string
        // with a look-ahead pattern: the number it is).
        let exact = |n: &Node| !matches!(n, Node::Checked(_));
        let exact_value = |n: &Node| exact(n) && !matches!(n, Node::Null);
        if !group.exclusive && f.knobs.weights.is_none() && nodes.iter().any(exact_value) {
            for (w, n) in weights.iter_mut().zip(&nodes) {
                if !exact(n) {
                    *w = 0.0;
                }
            }
        }
        // The branches left must not match a dropped twin or other branch either: only
        // a check says so.
        let exclusive_ok = !group.exclusive
            || (Signature::pairwise_disjoint(&signatures)
                && twins.iter().all(Option::is_none)
                && !dropped);
        let node = if nodes.len() == 1 {
            nodes.pop().expect("one node")
        } else {
            Node::Union(Arc::new(UnionGen::new(nodes, &weights)))
        };
        if !exclusive_ok {
            // The branch's own check, if it has one, does not see the other branches.
            self.checked_again(node, &f.locs)
        } else if f.needs_check.is_empty() {
            Ok(node)
        } else {
            self.checked(node, &f.locs)
        }
    }

    /// Notes a branch left out, and keeps the first reason for when none is left.
    fn never_generated(&mut self, branch: &Loc, p: Problem, first_error: &mut Option<Problem>) {
        self.note(
            Severity::Note,
            branch.pointer.clone(),
            format!("branch never generated: {}", p.message),
        );
        first_error.get_or_insert(p);
    }

    /// The branches of a money field, as indices into `nodes`: a `number` branch (with
    /// any constraints) and a string branch that is bare (`{"type": "string"}`, pydantic
    /// 2.14) or only earlier releases' look-ahead `pattern` (or another one generated by
    /// trial), beside at most a `null` branch (`Optional[Decimal]`).
    fn money_branches(
        &self,
        group: &Alternatives,
        kept: &[usize],
        nodes: &[Node],
    ) -> Option<Money> {
        let (mut number, mut string) = (None, None);
        for (j, node) in nodes.iter().enumerate() {
            let raw = self.docs.get(&group.branches[kept[j]])?.as_object()?;
            let typed = |t: &str| raw.get("type").and_then(|v| v.as_str()) == Some(t);
            let only = |allowed: &[&str]| {
                raw.keys()
                    .all(|k| allowed.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()))
            };
            match node {
                Node::Null => continue,
                _ if typed("number") && number.is_none() => number = Some(j),
                Node::String(_) if typed("string") && only(&["type"]) && string.is_none() => {
                    string = Some(j)
                }
                Node::Checked(_) | Node::String(_)
                    if typed("string")
                        && only(&["type", "pattern"])
                        && (matches!(node, Node::Checked(_))
                            || raw.get("pattern").and_then(|p| p.as_str())
                                == Some(PYDANTIC_DECIMAL_PATTERN))
                        && string.is_none() =>
                {
                    string = Some(j)
                }
                _ => return None,
            }
        }
        Some(Money {
            number: number?,
            string: string?,
        })
    }

    /// For a `oneOf`, each branch written exactly like another (`twins[i]` = the
    /// other): no value can match one of them alone, so neither is ever the one.
    fn identical_branches(&self, group: &Alternatives) -> Vec<Option<usize>> {
        let schemas: Vec<Option<&serde_json::Value>> =
            group.branches.iter().map(|b| self.docs.get(b)).collect();
        (0..schemas.len())
            .map(|i| {
                let schema = schemas[i].filter(|_| group.exclusive)?;
                (0..schemas.len()).find(|&j| j != i && schemas[j] == Some(schema))
            })
            .collect()
    }

    fn discriminator_values(&self, f: &Facts, prop: &str) -> Vec<String> {
        let Some((_, locs)) = f.properties.iter().find(|(n, _)| n == prop) else {
            return Vec::new();
        };
        locs.iter()
            .filter_map(|l| self.docs.get(l))
            .filter_map(|s| {
                s.get("const")
                    .or_else(|| s.get("enum").and_then(|e| e.get(0)))
            })
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    /// Branch weights: the `weights` knob, with a `null` branch taking `null_rate`.
    fn branch_weights(
        &mut self,
        f: &Facts,
        group: &Alternatives,
        nodes: &[Node],
        names: &[Vec<String>],
        kept: &[usize],
    ) -> Result<Vec<f64>, Problem> {
        let mut weights = vec![1.0; nodes.len()];
        if let Some((w, at)) = &f.knobs.weights {
            let all_names: Vec<Vec<String>> = group
                .branches
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    kept.iter()
                        .position(|&k| k == i)
                        .map_or_else(|| vec![i.to_string()], |j| names[j].clone())
                })
                .collect();
            let all = resolve_weights(w, &all_names, at)?;
            weights = kept.iter().map(|&i| all[i]).collect();
            if weights.iter().sum::<f64>() <= 0.0 {
                return Err(Problem::new(
                    at.clone(),
                    "every branch that can be generated has weight 0",
                ));
            }
        }
        let nulls: Vec<usize> = (0..nodes.len())
            .filter(|&i| matches!(nodes[i], Node::Null))
            .collect();
        if nulls.len() == 1 && nodes.len() > 1 {
            let rate = f.knobs.null_rate.unwrap_or(self.defaults.null_rate);
            let others: f64 = (0..nodes.len())
                .filter(|i| *i != nulls[0])
                .map(|i| weights[i])
                .sum();
            for (i, w) in weights.iter_mut().enumerate() {
                *w = if i == nulls[0] {
                    rate
                } else {
                    *w / others * (1.0 - rate)
                };
            }
            if rate >= 1.0 {
                self.note(
                    Severity::Note,
                    f.pointer(),
                    "null_rate is 1: the value is always null",
                );
            }
        }
        Ok(weights)
    }
}

/// The string branch of `Decimal` in pydantic releases before 2.14.
const PYDANTIC_DECIMAL_PATTERN: &str = r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$";

/// The number and string branches of a money field ([`Compiler::money_branches`]).
struct Money {
    number: usize,
    string: usize,
}

/// The number generator of a money field's number branch, under deliberate noise.
fn number_gen_mut(node: &mut Node) -> Option<&mut NumberGen> {
    match node {
        Node::Number(number) => Some(number),
        Node::Noisy(noisy) => number_gen_mut(&mut noisy.inner),
        _ => None,
    }
}
