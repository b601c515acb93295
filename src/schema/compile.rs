//! The compiler: schema locations → facts → a generator [`Node`].
//!
//! [`Compiler::compile`] merges what the locations say (collect.rs) into [`Facts`], then
//! `build` resolves recursion, `anyOf`/`oneOf` (alternatives.rs), `if`/`then`/`else` and
//! `not`, and hands plain facts to the builder of each type family (listed.rs,
//! numbers.rs, strings.rs, arrays.rs, objects.rs). Every refusal is a [`Problem`] with
//! the culprit's pointer.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use serde_json::Value;

use super::document::{Documents, Loc};
use super::facts::{At, Conditional, Facts, Types};
use super::knobs::{Knobs, Weights, resolve_weights};
use crate::error::{Diagnostic, Problem, ProblemKind, Severity};
use crate::generate::domain::Locale;
use crate::generate::{BoolGen, CustomGen, Node, UnionGen};

/// The outcome of compiling some locations, as cached.
type CompileResult = Result<Compiled, Problem>;

/// What a compilation is cached by: whether names may infer values there
/// ([`Compiler::infer_here`]), the locale inherited there ([`Compiler::locale_here`]),
/// and the locations merged, by document and pointer.
type CompileKey = (bool, Option<Locale>, Vec<(usize, String)>);

/// A compiled location: the generator and the knobs written there.
#[derive(Clone)]
pub struct Compiled {
    pub node: Node,
    pub knobs: Knobs,
}

pub struct Compiler {
    pub docs: Documents,
    pub diagnostics: Vec<Diagnostic>,
    /// Recursive targets, by slot; filled after the main compilation.
    pub recursive: Vec<(Loc, Option<Node>)>,
    pub(super) registry: Option<(usize, jsonschema::Registry<'static>)>,
    /// Validators built so far, by the schema they check (validator.rs).
    pub(super) validators: HashMap<String, jsonschema::Validator>,
    /// What each location that stands alone says itself, by document and pointer, with
    /// the dialect it was read in and its validator (`None` for `true`): a leaf met under
    /// every branch of the alternatives around it is read once (validator.rs).
    #[allow(clippy::type_complexity)]
    pub(super) lone_parts:
        HashMap<usize, HashMap<String, (String, Arc<Value>, Option<jsonschema::Validator>)>>,
    /// What `diagnostics` hold already: one note per severity, pointer and kind of
    /// message (its text before the first `: `), however many paths lead there. By
    /// pointer, so that a note met again (on every path to a shared definition) is
    /// found without copying its text.
    noted: HashMap<String, Vec<(Severity, String)>>,
    /// Compilations by the locations merged: a definition shared by many paths is
    /// compiled once. Not for those whose `$dynamicRef`s looked at the dynamic scope.
    /// Keyed also by [`Compiler::infer_here`], which changes what a location compiles to.
    compiled: HashMap<CompileKey, Option<CompileResult>>,
    /// `pattern`s read as matchers, by their text (`None`: the engine refused it), for
    /// tests at compile time (listed.rs).
    key_patterns: HashMap<String, Option<crate::generate::pattern::KeyPattern>>,
    /// The foreign keys found, by slot (`Plan::references`).
    pub references: Vec<crate::generate::reference::ReferenceSlot>,
    /// The orderings against parent tables' fields found, by slot (`Plan::parent_orders`).
    pub parent_orders: Vec<crate::generate::parent_rule::ParentOrderSlot>,
    /// How many `$dynamicRef`/`$recursiveRef`s were resolved through the dynamic scope.
    pub(super) dynamic_lookups: usize,
    /// Global rates from the command line, overriding schema defaults.
    pub defaults: RateDefaults,
    pub synthesizers: crate::synthesizer::Synthesizers,
    /// How many schemas the compilation is inside of (compile and collect nest).
    pub(super) depth: usize,
    /// How many branches of `anyOf`/`oneOf` and `if`/`then`/`else` have been compiled:
    /// branches nested in branches multiply (limits.rs).
    pub(super) branches_compiled: u64,
    /// Every knob only a property acts on (`absent_rate`, `after`, `before`, `when`),
    /// by where it is written, with its name and whether a property read it
    /// (no_effect.rs notes the others); ordered, so that the notes are too.
    pub(super) property_knobs: std::collections::BTreeMap<String, (&'static str, bool)>,
    /// `--no-infer`: nothing is guessed from field names, whatever `x-synth.infer` says.
    pub no_infer: bool,
    /// Whether the nearest `x-synth.infer` around the node being compiled allows
    /// guessing values from field names (infer.rs); true where none is written.
    pub(super) infer_here: bool,
    /// While an object's properties are compiled: the words before its siblings' place
    /// names (`shipping` of `shipping_city`), which make `shipping_state` a state
    /// ([`super::infer::place_prefixes`]).
    pub(super) place_prefixes: Vec<String>,
    /// The locale of the nearest object or array around the node being compiled that
    /// sets one: a field without its own takes it.
    pub(super) locale_here: Option<Locale>,
    /// [`Compiler::infer_here`] and [`Compiler::locale_here`] where each recursive target
    /// was first met, by slot.
    recursive_scope: Vec<(bool, Option<Locale>)>,
}

/// Rates used where the schema sets none.
#[derive(Debug, Clone, Copy)]
pub struct RateDefaults {
    pub null_rate: f64,
    pub absent_rate: f64,
    /// Share of deliberately invalid values in every scalar field (`--noise`).
    pub noise: f64,
}

impl Default for RateDefaults {
    fn default() -> Self {
        RateDefaults {
            null_rate: 0.05,
            absent_rate: 0.0,
            noise: 0.0,
        }
    }
}

impl Compiler {
    pub fn new(docs: Documents) -> Compiler {
        Compiler {
            docs,
            diagnostics: Vec::new(),
            recursive: Vec::new(),
            registry: None,
            validators: HashMap::new(),
            lone_parts: HashMap::new(),
            noted: HashMap::new(),
            compiled: HashMap::new(),
            key_patterns: HashMap::new(),
            references: Vec::new(),
            parent_orders: Vec::new(),
            dynamic_lookups: 0,
            defaults: RateDefaults::default(),
            synthesizers: Default::default(),
            depth: 0,
            branches_compiled: 0,
            property_knobs: Default::default(),
            no_infer: false,
            infer_here: true,
            place_prefixes: Vec::new(),
            locale_here: None,
            recursive_scope: Vec::new(),
        }
    }

    pub fn note(
        &mut self,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.note_once(severity, &pointer.into(), &message.into());
    }

    /// `pattern` as a matcher, read once; `None` when it cannot be read.
    pub(super) fn key_pattern(
        &mut self,
        pattern: &str,
    ) -> Option<&crate::generate::pattern::KeyPattern> {
        if !self.key_patterns.contains_key(pattern) {
            let matcher = crate::generate::pattern::KeyPattern::new(pattern).ok();
            self.key_patterns.insert(pattern.to_owned(), matcher);
        }
        self.key_patterns.get(pattern)?.as_ref()
    }

    /// [`Compiler::note`], copying the text only when the note is new.
    fn note_once(&mut self, severity: Severity, pointer: &str, message: &str) {
        // What comes before the first ": " (found by its colon: this runs for every
        // note on every path to a shared definition).
        let kind = message
            .match_indices(':')
            .find(|(i, _)| message.as_bytes().get(i + 1) == Some(&b' '))
            .map_or(message, |(i, _)| &message[..i]);
        let noted = match self.noted.get_mut(pointer) {
            Some(noted) => noted,
            None => self.noted.entry(pointer.to_owned()).or_default(),
        };
        if noted.iter().any(|(s, k)| *s == severity && k == kind) {
            return;
        }
        noted.push((severity, kind.to_owned()));
        self.diagnostics.push(Diagnostic {
            severity,
            pointer: pointer.to_owned(),
            message: message.to_owned(),
        });
    }

    /// Enters one more level of nested schemas, or refuses the schema past
    /// [`MAX_SCHEMA_DEPTH`](super::limits::MAX_SCHEMA_DEPTH) (the stack is finite).
    pub(super) fn deeper(&mut self, pointer: impl FnOnce() -> String) -> Result<(), Problem> {
        if self.depth >= super::limits::MAX_SCHEMA_DEPTH {
            return Err(super::limits::too_deep(&pointer()));
        }
        self.depth += 1;
        Ok(())
    }

    /// Compiles the merge of `locs` (all must hold), once per distinct `locs`: how a
    /// location was reached matters only to dynamic references (a recursive reference
    /// met on another path compiles to the same recursion slot, or to its expansion,
    /// which generates the same values).
    pub fn compile(&mut self, locs: &[Loc]) -> Result<Compiled, Problem> {
        // The same subschema twice says nothing more, but its alternatives would be
        // combined with themselves: a key matched by a pattern of each of three nested
        // maps came with the pattern's schema 8 times, and its anyOf of 3 branches
        // made 3⁸ combinations (a schema_structured timeout).
        if let Some(once) = without_repeats(locs) {
            return self.compile(&once);
        }
        let key: CompileKey = (
            self.infer_here,
            self.locale_here,
            locs.iter().map(|l| (l.doc, l.pointer.clone())).collect(),
        );
        match self.compiled.get(&key) {
            Some(Some(done)) => return done.clone(),
            // Met once before: shared, so worth keeping from now on. (Keeping what is
            // met once would hold a second copy of the whole plan.)
            Some(None) => {}
            None => {
                self.compiled.insert(key, None);
                return self.compile_uncached(locs);
            }
        }
        let lookups = self.dynamic_lookups;
        let compiled = self.compile_uncached(locs);
        if self.dynamic_lookups == lookups {
            self.compiled.insert(key, Some(compiled.clone()));
        }
        compiled
    }

    fn compile_uncached(&mut self, locs: &[Loc]) -> Result<Compiled, Problem> {
        let mut facts = Facts::default();
        for loc in locs {
            self.collect(loc, &mut facts)?;
        }
        // A foreign key wraps the field as a whole, nullability included: its `anyOf`
        // branches inherit the knob but are compiled through `compile_facts`.
        let reference = facts.knobs.references.clone();
        let fanout = facts.knobs.fanout.clone();
        let field_locs = facts.locs.clone();
        // `infer` and `locale` hold for everything below the node that sets them.
        let outer = (self.infer_here, self.locale_here);
        if let Some((on, _)) = facts.knobs.infer {
            self.infer_here = on;
        }
        match facts.knobs.locale {
            Some(own) => self.locale_here = Some(own),
            None => facts.knobs.locale = self.locale_here,
        }
        let mix = facts.knobs.locale_mix.take();
        let compiled = match &mix {
            Some(mix) => self.compile_locale_mix(facts, mix),
            None => self.compile_facts(facts),
        };
        (self.infer_here, self.locale_here) = outer;
        let mut compiled = compiled?;
        // A locale mix's notes read one of its variants.
        let noted = match (&mix, &compiled.node) {
            (Some(_), Node::Union(u)) => &u.branches()[0],
            (_, node) => node,
        };
        self.note_knobs_without_effect(&compiled.knobs, noted);
        self.saw_property_knobs(&compiled.knobs);
        if let Some(reference) = reference {
            compiled.node = self.reference(compiled.node, reference, fanout, &field_locs)?;
        }
        Ok(compiled)
    }

    /// A locale drawn per value (`"locale": {"en_US": 60, "de_DE": 40}`): the node
    /// compiled once in each locale, one variant picked per value under the value's own
    /// key. Every field below takes that one locale, so that a row's names and places
    /// agree, and what no locale changes (numbers, ids, dates) is the same in each.
    fn compile_locale_mix(
        &mut self,
        facts: Facts,
        mix: &[(Locale, f64)],
    ) -> Result<Compiled, Problem> {
        let mut variants = Vec::with_capacity(mix.len());
        let mut knobs = None;
        let at = facts.knobs.locale_at.clone().unwrap_or_default();
        for &(locale, _) in mix {
            // Mixes inside mixes compile their variants again for each outer one.
            self.count_branch(&at)?;
            let mut facts = facts.clone();
            facts.knobs.locale = Some(locale);
            self.locale_here = Some(locale);
            let compiled = self.compile_facts(facts)?;
            variants.push(compiled.node);
            knobs.get_or_insert(compiled.knobs);
        }
        let weights: Vec<f64> = mix.iter().map(|(_, w)| *w).collect();
        Ok(Compiled {
            node: Node::Union(Arc::new(UnionGen::variants(variants, &weights))),
            knobs: knobs.expect("a mix has two locales or more"),
        })
    }

    pub fn compile_facts(&mut self, facts: Facts) -> Result<Compiled, Problem> {
        self.deeper(|| facts.pointer())?;
        let compiled = self.compile_facts_here(facts);
        self.depth -= 1;
        compiled
    }

    fn compile_facts_here(&mut self, facts: Facts) -> Result<Compiled, Problem> {
        self.note_ignored(&facts);
        let knobs = facts.knobs.clone();
        Ok(Compiled {
            node: self.build(facts)?,
            knobs,
        })
    }

    /// Notes what the facts' schemas say that has no effect: unknown keywords, and
    /// knobs where they do nothing.
    pub(super) fn note_ignored(&mut self, facts: &Facts) {
        for note in &facts.knob_notes {
            self.note_once(Severity::Ignored, &note.pointer, &note.message);
        }
        for pointer in &facts.unknown {
            self.note_once(
                Severity::Ignored,
                pointer,
                "unknown keyword: not a JSON Schema 2020-12 or draft-07 keyword synthtune knows",
            );
        }
    }

    fn build(&mut self, mut f: Facts) -> Result<Node, Problem> {
        if let Some(pointer) = &f.never {
            return Err(Problem::new(
                pointer.clone(),
                "the schema is `false`: no value is allowed here",
            )
            .hint("remove the `false`, or make the property optional"));
        }
        if let Some(target) = f.recursion.first().cloned() {
            let slot = self.recursion_slot(target);
            let node = Node::Recurse(slot);
            return if f.constraint_count == 0 {
                Ok(node)
            } else {
                self.checked(node, &f.locs)
            };
        }
        // Applicators that speak only of which keys are present are solved, not tried.
        self.absorb_presence(&mut f);
        if let Some(group) = f.alternatives.pop() {
            return self.build_alternatives(f, group);
        }
        if let Some(cond) = f.conditionals.pop() {
            return self.build_conditional(f, cond);
        }
        let mut check = !f.needs_check.is_empty();
        for not in std::mem::take(&mut f.nots) {
            check |= self.apply_not(&not, &mut f)?;
        }
        let mut node = self.build_plain(&mut f, &mut check)?;
        if Self::wants_unique(&f) {
            node = self.make_unique(&f, node)?;
        }
        if check {
            node = self.checked(node, &f.locs)?;
        }
        self.with_noise(&f, node)
    }

    fn recursion_slot(&mut self, target: Loc) -> usize {
        match self.recursive.iter().position(|(l, _)| *l == target) {
            Some(i) => i,
            None => {
                self.recursive.push((target, None));
                self.recursive_scope
                    .push((self.infer_here, self.locale_here));
                self.recursive.len() - 1
            }
        }
    }

    /// Compiles every recursive target on its own (each may add more).
    pub fn fill_recursive(&mut self) -> Result<(), Problem> {
        while let Some(i) = self.recursive.iter().position(|(_, n)| n.is_none()) {
            let target = self.recursive[i].0.clone().entered_alone();
            (self.infer_here, self.locale_here) = self.recursive_scope[i];
            let compiled = self.compile(std::slice::from_ref(&target));
            (self.infer_here, self.locale_here) = (true, None);
            self.recursive[i].1 = Some(compiled?.node);
        }
        Ok(())
    }

    /// Narrows facts by a `not`; returns whether the result still needs checking.
    fn apply_not(&mut self, not: &Loc, f: &mut Facts) -> Result<bool, Problem> {
        let schema = self.docs.get(not).cloned().unwrap_or(Value::Bool(true));
        match &schema {
            Value::Bool(true) => Err(Problem::new(
                &not.pointer,
                "`not: true` forbids every value",
            )),
            Value::Bool(false) => Ok(false),
            Value::Object(m) if m.is_empty() => {
                Err(Problem::new(&not.pointer, "`not: {}` forbids every value"))
            }
            Value::Object(m) if m.len() == 1 && m.contains_key("type") => {
                let mut inner = Facts::default();
                self.collect(not, &mut inner)?;
                if let Some(t) = inner.types {
                    let allowed = f.types.as_ref().map_or(Types::ALL.0, |t| t.value.0);
                    let mut remaining = allowed & !t.value.0;
                    // `not: integer` still allows fractions; keep the number family.
                    if t.value.0 & Types::INTEGER != 0
                        && t.value.0 & Types::FRACTION == 0
                        && allowed & Types::FRACTION != 0
                    {
                        remaining |= Types::FRACTION;
                        f.types = Some(At {
                            value: Types(remaining),
                            pointer: not.pointer.clone(),
                        });
                        return Ok(true);
                    }
                    f.types = Some(At {
                        value: Types(remaining),
                        pointer: not.pointer.clone(),
                    });
                }
                Ok(false)
            }
            Value::Object(m) if lone_bound(m).is_some() => {
                let (key, value) = lone_bound(m).expect("checked above");
                negate_bound(f, key, value, &not.pointer)?;
                Ok(false)
            }
            // Strings then avoid the pattern by construction where the pattern module can
            // (the value is still checked: the `not` also forbids every non-string).
            Value::Object(m)
                if m.keys().all(|k| {
                    matches!(k.as_str(), "pattern" | "description" | "title" | "$comment")
                }) && m.get("pattern").is_some_and(Value::is_string) =>
            {
                f.avoided_patterns.push(At {
                    value: m["pattern"].as_str().unwrap_or_default().to_owned(),
                    pointer: format!("{}/pattern", not.pointer),
                });
                Ok(true)
            }
            _ => Ok(true),
        }
    }

    fn build_conditional(&mut self, mut f: Facts, cond: Conditional) -> Result<Node, Problem> {
        let weights = self.conditional_weights(&f, &cond)?;
        if weights.is_some() {
            // Taken here: no value inside chooses by them.
            f.knobs.weights = None;
        }
        let mut then_facts = f.clone();
        self.collect(&cond.condition, &mut then_facts)?;
        if let Some(then) = &cond.then {
            self.collect(then, &mut then_facts)?;
        }
        let mut else_facts = f.clone();
        if let Some(otherwise) = &cond.otherwise {
            self.collect(otherwise, &mut else_facts)?;
        }
        // A condition on presence alone is solved: the else branch leaves it false, so
        // each branch meets the whole if/then/else and the union needs no check.
        let condition = self.presence_of(&cond.condition);
        if condition.exact {
            else_facts.presence.push(super::presence::Term {
                expr: super::presence::Expr::Not(Box::new(condition.expr)),
                pointer: cond.condition.pointer.clone(),
                what: "if",
            });
        }
        let then_branch =
            self.compile_branch(then_facts, cond.then.as_ref().unwrap_or(&cond.condition))?;
        // `else` holds only where the `if` does not: it is generated under `not: <if>`,
        // so that each branch has its share of the values (an else value that met the
        // `if` would be checked against the `then`, and mostly rejected), and an `if`
        // that always holds leaves only the then branch (a presence condition is
        // already negated above).
        if !condition.exact {
            else_facts.nots.push(cond.condition.clone());
        }
        let else_branch = self.compile_branch(
            else_facts,
            cond.otherwise.as_ref().unwrap_or(&cond.condition),
        )?;
        let node = match (then_branch, else_branch) {
            (Ok(then), Ok(otherwise)) => Node::Union(Arc::new(UnionGen::new(
                vec![then, otherwise],
                &weights.map_or([1.0; 2], |(w, _)| w),
            ))),
            (Ok(node), Err(_)) | (Err(_), Ok(node)) => {
                if let Some((_, at)) = weights {
                    self.note(
                        Severity::Ignored,
                        at,
                        "weights has no effect: only one of then and else can be generated here",
                    );
                }
                node
            }
            (Err(then), Err(otherwise)) => return Err(neither_branch(&cond, then, otherwise)),
        };
        if condition.exact {
            return Ok(node);
        }
        self.checked(node, &f.locs)
    }

    /// The `weights` knob of an `if`/`then`/`else`, as `[then, else]` shares with where
    /// it is written: `{"then": 3, "else": 1}`, or `[3, 1]` where the schema object has
    /// no other choice to weight (`enum`, `anyOf`, `oneOf`, a boolean). Only the
    /// conditional's own schema object's weights count.
    fn conditional_weights(
        &self,
        f: &Facts,
        cond: &Conditional,
    ) -> Result<Option<([f64; 2], String)>, Problem> {
        let Some((weights, at)) = &f.knobs.weights else {
            return Ok(None);
        };
        let Some(here) = cond.condition.pointer.strip_suffix("/if") else {
            return Ok(None);
        };
        // `<here>/x-synth/weights`.
        if at
            .strip_prefix(here)
            .is_none_or(|knob| knob.matches('/').count() != 2)
        {
            return Ok(None);
        }
        let named = matches!(weights, Weights::ByName(pairs)
            if pairs.iter().all(|(name, _)| name == "then" || name == "else"));
        if !named {
            let object = self.docs.get(&Loc {
                pointer: here.to_owned(),
                ..cond.condition.clone()
            });
            let other_choice = object.is_some_and(|o| {
                ["enum", "anyOf", "oneOf"]
                    .iter()
                    .any(|k| o.get(k).is_some())
                    || o.get("type").is_some_and(|t| t == "boolean")
            });
            if other_choice {
                return Ok(None);
            }
        }
        let names = [vec!["then".to_owned()], vec!["else".to_owned()]];
        let shares = resolve_weights(weights, &names, at)?;
        Ok(Some(([shares[0], shares[1]], at.clone())))
    }

    /// Compiles one branch of alternatives or of a conditional (the facts around it
    /// merged in), or refuses the schema once branches inside branches have multiplied
    /// past [`MAX_BRANCHES_COMPILED`](super::limits::MAX_BRANCHES_COMPILED).
    /// `branch` is the branch's own location, which a refusal names.
    pub(super) fn compile_branch_facts(
        &mut self,
        facts: Facts,
        branch: &Loc,
    ) -> Result<Compiled, Problem> {
        self.count_branch(&branch.pointer)?;
        self.compile_facts(facts)
    }

    /// Counts one more branch (or locale variant) compiled against the table's budget:
    /// nested ones multiply.
    fn count_branch(&mut self, pointer: &str) -> Result<(), Problem> {
        self.branches_compiled += 1;
        if self.branches_compiled > super::limits::MAX_BRANCHES_COMPILED {
            return Err(super::limits::too_many_branches(pointer));
        }
        Ok(())
    }

    /// A branch's node, or why no value satisfies it (a malformed schema is refused).
    fn compile_branch(
        &mut self,
        facts: Facts,
        branch: &Loc,
    ) -> Result<Result<Node, Problem>, Problem> {
        match self.compile_branch_facts(facts, branch) {
            Ok(c) => Ok(Ok(c.node)),
            Err(p) if p.kind == ProblemKind::Invalid => Err(p),
            Err(p) => Ok(Err(p)),
        }
    }

    /// Builds a node from facts without applicators left.
    fn build_plain(&mut self, f: &mut Facts, check: &mut bool) -> Result<Node, Problem> {
        if let Some((name, at)) = &f.knobs.synthesizer {
            let Some(s) = self.synthesizers.get(name) else {
                let known: Vec<&str> = self.synthesizers.names().collect();
                return Err(Problem::invalid(at.clone(), format!("no synthesizer is registered as {name:?} (registered: {})", if known.is_empty() { "none".into() } else { known.join(", ") }))
                    .hint("register it with Synthesizers::register in your own binary (see examples/custom_synthesizer.rs)"));
            };
            *check = true;
            let types = f.types.as_ref().map_or_else(Vec::new, |t| t.value.names());
            return Ok(Node::Custom(CustomGen {
                synthesizer: s,
                types,
            }));
        }
        if let Some(node) = self.build_listed(f)? {
            return Ok(node);
        }
        let types = match &f.types {
            Some(t) => t.value.0,
            None => match f.implied_types() {
                0 => Types::STRING | Types::INTEGER | Types::BOOLEAN,
                // Keywords imply a type but do not demand it: if that type cannot be
                // generated, any other type is valid.
                implied => match self.build_types(f, check, implied) {
                    Ok(node) => return Ok(node),
                    Err(_) => Types::ALL.0 & !implied,
                },
            },
        };
        if types == 0 {
            let at = f
                .types
                .as_ref()
                .map(|t| t.pointer.clone())
                .unwrap_or_else(|| f.pointer());
            return Err(
                Problem::new(at, "the types allowed here have nothing in common")
                    .hint("check `type` against the schemas merged with it ($ref, allOf)"),
            );
        }
        self.build_types(f, check, types)
    }

    /// One generator per allowed type family, in a union when there are several.
    fn build_types(&mut self, f: &Facts, check: &mut bool, types: u8) -> Result<Node, Problem> {
        let mut nodes = Vec::new();
        let mut first_error = None;
        let families = [
            Types::OBJECT,
            Types::ARRAY,
            Types::STRING,
            Types::FRACTION,
            Types::INTEGER,
            Types::BOOLEAN,
            Types::NULL,
        ];
        for family in families {
            if types & family == 0 || (family == Types::INTEGER && types & Types::FRACTION != 0) {
                continue;
            }
            let built = match family {
                Types::OBJECT => self.build_object(f, check),
                Types::ARRAY => self.build_array(f, check),
                Types::STRING => self.build_string(f, check),
                Types::FRACTION => self.build_number(f),
                Types::INTEGER => self.build_integer(f),
                Types::BOOLEAN => self.build_boolean(f),
                _ => Ok(Node::Null),
            };
            match built {
                Ok(n) => nodes.push(n),
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                Err(p) => {
                    first_error.get_or_insert(p);
                }
            }
        }
        match nodes.len() {
            0 => Err(first_error
                .unwrap_or_else(|| Problem::new(f.pointer(), "no value can satisfy this schema"))),
            1 => Ok(nodes.pop().expect("one node")),
            n => {
                let null = nodes.iter().position(|n| matches!(n, Node::Null));
                let rate = f.knobs.null_rate.unwrap_or(self.defaults.null_rate);
                let weights: Vec<f64> = (0..n)
                    .map(|i| {
                        if Some(i) == null {
                            rate
                        } else if null.is_some() {
                            (1.0 - rate) / (n - 1) as f64
                        } else {
                            1.0
                        }
                    })
                    .collect();
                Ok(Node::Union(Arc::new(UnionGen::new(nodes, &weights))))
            }
        }
    }

    fn build_boolean(&mut self, f: &Facts) -> Result<Node, Problem> {
        let p_true = match &f.knobs.weights {
            Some((w, at)) => {
                let names = vec![vec!["true".to_owned()], vec!["false".to_owned()]];
                let ws = resolve_weights(w, &names, at)?;
                ws[0] / (ws[0] + ws[1])
            }
            None => 0.5,
        };
        Ok(Node::Bool(BoolGen { p_true }))
    }
}

/// The size and range keywords a `not` negates exactly.
const NEGATED_BOUNDS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
];

/// The one size or range keyword of a `not` schema (annotations aside).
fn lone_bound(schema: &serde_json::Map<String, Value>) -> Option<(&str, &Value)> {
    let mut asserting = schema
        .iter()
        .filter(|(k, _)| !super::facts::ANNOTATIONS.contains(&k.as_str()));
    let (key, value) = asserting.next()?;
    (asserting.next().is_none() && NEGATED_BOUNDS.contains(&key.as_str()) && value.is_number())
        .then_some((key.as_str(), value))
}

/// Narrows `f` by `not: {key: value}`: a bound holds of every value of another type, so
/// its negation keeps the bound's own type, on the far side of the bound
/// (`not: {minLength: 1}` is the empty string). `at` is the `not`'s pointer.
fn negate_bound(f: &mut Facts, key: &str, value: &Value, at: &str) -> Result<(), Problem> {
    use super::collect::{merge_max, merge_min};
    use super::facts::Bound;
    let pointer = format!("{at}/{key}");
    let size = || {
        value
            .as_f64()
            .filter(|x| *x >= 0.0 && x.fract() == 0.0)
            .map(|x| x as u64)
    };
    let forbids_all = || {
        Problem::new(
            at,
            format!("`not: {{\"{key}\": {value}}}` forbids every value"),
        )
        .hint("remove the `not`, or give it a bound some values break")
    };
    let family = match key {
        "minLength" | "maxLength" => Types::STRING,
        "minItems" | "maxItems" => Types::ARRAY,
        "minProperties" | "maxProperties" => Types::OBJECT,
        _ => Types::INTEGER | Types::FRACTION,
    };
    f.intersect_types(family, pointer.clone());
    let at_most = |n: u64| At {
        value: n,
        pointer: pointer.clone(),
    };
    match key {
        "minLength" | "minItems" | "minProperties" => {
            // Fewer than n: at most n - 1 (and none at all below 0).
            let n = size().ok_or_else(|| {
                Problem::invalid(&pointer, format!("{key} must be a whole number ≥ 0"))
            })?;
            let below = n.checked_sub(1).ok_or_else(forbids_all)?;
            let slot = match key {
                "minLength" => &mut f.max_length,
                "minItems" => &mut f.max_items,
                _ => &mut f.max_properties,
            };
            merge_min(slot, at_most(below));
        }
        "maxLength" | "maxItems" | "maxProperties" => {
            let n = size().ok_or_else(|| {
                Problem::invalid(&pointer, format!("{key} must be a whole number ≥ 0"))
            })?;
            let slot = match key {
                "maxLength" => &mut f.min_length,
                "maxItems" => &mut f.min_items,
                _ => &mut f.min_properties,
            };
            merge_max(slot, at_most(n.saturating_add(1)));
        }
        _ => {
            let x = value.as_f64().unwrap_or_default();
            let (above, exclusive) = match key {
                "minimum" => (false, true),
                "exclusiveMinimum" => (false, false),
                "maximum" => (true, true),
                _ => (true, false),
            };
            let bound = Bound {
                value: x,
                exclusive,
                pointer,
            };
            if above {
                f.raise_minimum(bound);
            } else {
                f.lower_maximum(bound);
            }
        }
    }
    Ok(())
}

/// Why neither branch of an `if` can hold, blaming the one the `if` forces: the `else`
/// when the `if` never holds here, else the `then` (whose `if` always holds, or whose
/// `else` fails too).
fn neither_branch(cond: &Conditional, then: Problem, otherwise: Problem) -> Problem {
    let at_if = |p: &Problem| {
        let at = &cond.condition.pointer;
        p.pointer == *at || p.pointer.starts_with(&format!("{at}/"))
    };
    let if_at = &cond.condition.pointer;
    if at_if(&then) {
        let problem = Problem::new(
            otherwise.pointer,
            format!(
                "the `if` at {if_at} never holds here ({}), so `else` applies, and {}",
                then.message, otherwise.message
            ),
        );
        return match otherwise.hint {
            Some(hint) => problem.hint(hint),
            None => problem,
        };
    }
    let why_not_else = if at_if(&otherwise) {
        format!("the `if` at {if_at} always holds here, so `then` applies")
    } else {
        format!(
            "and `else` cannot hold instead (at {}: {})",
            otherwise.pointer, otherwise.message
        )
    };
    let problem = Problem::new(then.pointer, format!("{}; {why_not_else}", then.message));
    match then.hint {
        Some(hint) => problem.hint(hint),
        None => problem,
    }
}

/// `locs` with each location once (the first of its repeats), or `None` when none repeats.
fn without_repeats(locs: &[Loc]) -> Option<Vec<Loc>> {
    let repeats = |i: usize| locs[..i].contains(&locs[i]);
    let first = (1..locs.len()).find(|&i| repeats(i))?;
    let mut once = locs[..first].to_vec();
    once.extend(
        (first..locs.len())
            .filter(|&i| !repeats(i))
            .map(|i| locs[i].clone()),
    );
    Some(once)
}
