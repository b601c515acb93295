//! The budget every schema is held to, in one place.
//!
//! Whatever a user points synthtune at, no command may panic, run longer than about
//! 10 s before its first record, or use more than 1 GB. Each limit below is far above
//! what real data models need (the SchemaStore corpus and every bundled schema are well
//! inside all of them) and far below what would break that promise; each refusal is a
//! [`Problem`] naming the pointer, the limit and how to get under it. The README's
//! "Limits" table lists them.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::Problem;
use crate::generate::{Node, Plan, StringGen};

/// The largest file read as a schema, a referenced document or a `values_from` list.
/// The biggest real-world schema in the corpus (renovate) is 2.3 MB; a parsed document
/// takes several times its size in memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// How deeply JSON may nest (arrays and objects): serde_json's own recursion limit, which
/// keeps parsing off the end of the stack.
pub const MAX_JSON_DEPTH: usize = 128;

/// How many schemas may nest inside one another once `$ref`s are followed (a property's
/// schema inside its object's, an `allOf` entry inside its schema, a reference inside
/// its target): compiling, generating and validating recurse once per level, and the
/// stack is finite. Recursion (a `$ref` back into itself) does not count: it is bounded
/// at generation.
pub const MAX_SCHEMA_DEPTH: usize = 64;

/// The most values one `enum` may list (or a `values_from` file hold).
pub const MAX_ENUM_VALUES: usize = 100_000;

/// The largest `minLength` (code points).
pub const MAX_MIN_LENGTH: u64 = 1_000_000;

/// The largest `minItems` (and `minContains`).
pub const MAX_MIN_ITEMS: u64 = 100_000;

/// The largest `minProperties`.
pub const MAX_MIN_PROPERTIES: u64 = 10_000;

/// The most values one record may hold at its smallest-but-usual shape: every property
/// present (optional keys are, unless an `absent_rate` says otherwise), arrays at their
/// `minItems`, the largest branch of each union. Nested `minItems` multiply, and a
/// definition reused at many levels ("billion laughs") grows exponentially.
pub const MAX_RECORD_VALUES: u64 = 1_000_000;

/// The most characters the strings of one record may need at that shape (`minLength`s,
/// multiplied by the arrays around them).
pub const MAX_RECORD_CHARS: u64 = 64_000_000;

/// The most field paths a table may list (`check`, `stats` and the tuner list them all):
/// azure-pipelines, the widest schema of the corpus, has 64,925.
pub const MAX_FIELDS: u64 = 1_000_000;

/// Reads a file that a schema names, bounded: a regular file (not a device, a FIFO or a
/// folder: `/dev/zero` would never end) of at most [`MAX_FILE_BYTES`], in UTF-8.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, a FIFO or a socket)"
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "it is {what}; synthtune reads schemas and value lists from regular files only"
            ),
        ));
    }
    let too_big = || {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "the file is larger than the limit of {} MiB (split it into files that refer to each other with $ref)",
                MAX_FILE_BYTES >> 20
            ),
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    // Read no more than the limit even if the file grows meanwhile.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "not UTF-8: the bytes at offset {} are not a UTF-8 character (save the file as UTF-8)",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A whole-number keyword over its limit, refused at its pointer.
pub fn refuse_over(keyword: &str, value: u64, limit: u64, pointer: &str) -> Result<(), Problem> {
    if value <= limit {
        return Ok(());
    }
    Err(Problem::invalid(
        pointer,
        format!("{keyword} {value} is above synthtune's limit of {limit}"),
    )
    .hint(format!(
        "lower {keyword} to {limit} or less: a value that size is no realistic test data"
    )))
}

/// Refuses a plan whose records would be too large, or whose field list too long, to
/// generate within the budget: [`MAX_RECORD_VALUES`], [`MAX_RECORD_CHARS`] and
/// [`MAX_FIELDS`]. One pass over the plan, each shared node once.
pub fn check_plan(plan: &Plan) -> Result<(), Problem> {
    let mut sizes = Sizes {
        memo: HashMap::new(),
    };
    let mut size = sizes.of(&plan.root);
    for target in &plan.recursive {
        let own = sizes.of(target);
        if own.values > size.values || own.chars > size.chars || own.fields > size.fields {
            size = own;
        }
    }
    for (what, amount, limit, fix) in [
        (
            "values",
            size.values,
            MAX_RECORD_VALUES,
            "lower the minItems that multiply (nested arrays), or give large optional parts an absent_rate",
        ),
        (
            "characters of strings",
            size.chars,
            MAX_RECORD_CHARS,
            "lower minLength, or the minItems of the arrays around it",
        ),
        (
            "field paths",
            size.fields,
            MAX_FIELDS,
            "a definition reused inside itself at many levels multiplies the fields: reuse it at fewer levels",
        ),
    ] {
        if amount > limit {
            let at = size
                .culprit
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_default();
            return Err(Problem::invalid(
                at,
                format!(
                    "one record of this schema would hold at least {} {what} (every property present, each array at its minItems), above synthtune's limit of {limit}",
                    Saturating(amount)
                ),
            )
            .hint(fix));
        }
    }
    Ok(())
}

/// A count that may have saturated.
struct Saturating(u64);

impl std::fmt::Display for Saturating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == u64::MAX {
            write!(f, "2^64")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// The size of a node's usual value, saturating: how many values and characters, how
/// many field paths below it, and the pointer of the largest multiplier met.
#[derive(Clone, Default)]
struct Size {
    values: u64,
    chars: u64,
    fields: u64,
    culprit: Option<String>,
}

impl Size {
    fn add(&mut self, other: &Size) {
        self.values = self.values.saturating_add(other.values);
        self.chars = self.chars.saturating_add(other.chars);
        self.fields = self.fields.saturating_add(other.fields);
        if self.culprit.is_none() {
            self.culprit.clone_from(&other.culprit);
        }
    }

    /// `n` copies of the value, whose fields are listed once.
    fn times(&self, n: u64) -> Size {
        Size {
            values: self.values.saturating_mul(n),
            chars: self.chars.saturating_mul(n),
            fields: self.fields,
            culprit: self.culprit.clone(),
        }
    }

    fn over(&self) -> bool {
        self.values > MAX_RECORD_VALUES || self.chars > MAX_RECORD_CHARS || self.fields > MAX_FIELDS
    }
}

struct Sizes {
    /// By shared node.
    memo: HashMap<*const (), Size>,
}

impl Sizes {
    fn of(&mut self, node: &Node) -> Size {
        let at = node.shared_address();
        if let Some(size) = at.and_then(|at| self.memo.get(&at)) {
            return size.clone();
        }
        let mut size = Size {
            values: 1,
            ..Size::default()
        };
        match node {
            Node::Object(o) => {
                for p in o.properties() {
                    let mut child = self.of(&p.node);
                    child.fields = child.fields.saturating_add(1);
                    size.add(&child);
                    if size.over() {
                        size.culprit.get_or_insert_with(|| p.pointer.clone());
                    }
                }
                if let Some(extra) = &o.extra {
                    let value = self.of(&extra.value);
                    let missing = o.min_properties.saturating_sub(o.properties().len());
                    size.add(&value.times(missing.max(extra.min) as u64));
                }
            }
            Node::Array(a) => {
                let rest = a.min.saturating_sub(a.prefix.len()) as u64;
                let repeated = a
                    .items
                    .as_deref()
                    .into_iter()
                    .chain(a.contains.as_ref().map(|(n, _)| &**n));
                let elements = a
                    .prefix
                    .iter()
                    .map(|n| (n, 1))
                    .chain(repeated.map(|n| (n, rest)));
                for (n, times) in elements {
                    let child = self.of(n);
                    size.add(&child.times(times));
                    size.fields = size.fields.saturating_add(1);
                }
                if size.over() {
                    size.culprit.get_or_insert_with(|| a.pointer.clone());
                }
            }
            Node::Union(u) => {
                // One branch is generated, but each lists its fields.
                let mut fields = 0u64;
                size = Size::default();
                for b in u.branches() {
                    let child = self.of(b);
                    fields = fields.saturating_add(child.fields);
                    size.values = size.values.max(child.values);
                    size.chars = size.chars.max(child.chars);
                    if size.culprit.is_none() {
                        size.culprit = child.culprit;
                    }
                }
                size.fields = fields;
            }
            Node::Checked(c) => size = self.of(c.inner()),
            Node::Noisy(n) => size = self.of(&n.inner),
            Node::Reference(r) => size = self.of(&r.own),
            Node::Ruled(r) => size = self.of(&r.own),
            // Recursion is bounded where it is generated (two levels, then the shortest
            // way out); the recursive targets are measured on their own.
            Node::Recurse(_) => {}
            Node::String(s) => size.chars = s.min_chars() as u64,
            _ => {}
        }
        if let Some(at) = at {
            self.memo.insert(at, size.clone());
        }
        size
    }
}

impl StringGen {
    /// The fewest characters a value of this generator has (free text and domains: their
    /// `minLength`; patterns and formats are short by construction).
    pub(crate) fn min_chars(&self) -> usize {
        match self {
            StringGen::Text(t) => t.min,
            StringGen::Domain { min, .. } => *min,
            _ => 0,
        }
    }
}

/// Refuses a keyword whose value is over its limit ([`MAX_MIN_LENGTH`],
/// [`MAX_MIN_ITEMS`], [`MAX_MIN_PROPERTIES`], [`MAX_ENUM_VALUES`]), at its pointer.
pub fn check_keyword(key: &str, value: &serde_json::Value, at: &str) -> Result<(), Problem> {
    let limit = match key {
        "minLength" => MAX_MIN_LENGTH,
        "minItems" | "minContains" => MAX_MIN_ITEMS,
        "minProperties" => MAX_MIN_PROPERTIES,
        "pattern" => return check_pattern_size(value.as_str().unwrap_or_default(), at),
        "enum" => {
            let n = value.as_array().map_or(0, Vec::len);
            if n > MAX_ENUM_VALUES {
                return Err(Problem::invalid(
                    at,
                    format!("the enum lists {n} values, above synthtune's limit of {MAX_ENUM_VALUES}"),
                )
                .hint("list a representative sample, or describe the values with type, pattern or bounds"));
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    match value.as_f64() {
        // Saturating: 1e300 is reported as the largest u64.
        Some(v) if v > limit as f64 => refuse_over(key, v as u64, limit, at),
        _ => Ok(()),
    }
}

/// The refusal of a schema nested past [`MAX_SCHEMA_DEPTH`], at the schema that went over.
pub fn too_deep(pointer: &str) -> Problem {
    Problem::invalid(
        pointer,
        format!(
            "schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here (counting each property, item, allOf entry and $ref followed), synthtune's limit"
        ),
    )
    .hint("flatten the nesting: a chain of $refs to $refs, or objects inside objects that deep, is no data model")
}

/// How many branches (of `anyOf`/`oneOf`, and the `then` and `else` of each `if`, with
/// what surrounds them merged in) one table may compile. Alternatives and conditionals
/// nested in one another, or side by side in one schema, multiply: ten conditionals in a
/// row are 1,024 combinations, and each is compiled. The widest real schema of the corpus
/// (azure-pipelines) compiles 2,110; each takes tens of microseconds, a
/// validator built for some.
pub const MAX_BRANCHES_COMPILED: u64 = 20_000;

pub fn too_many_branches(pointer: &str) -> Problem {
    Problem::invalid(
        pointer,
        format!(
            "the schema's anyOf/oneOf and if/then/else branches multiply into more than {MAX_BRANCHES_COMPILED} combinations to compile, synthtune's limit (this branch is past it)"
        ),
    )
    .hint("nest fewer alternatives and conditionals inside one another (or side by side in one schema): put independent choices on separate properties, or merge branches that differ little")
}

/// The stack compilation runs on: [`MAX_SCHEMA_DEPTH`] levels of the compiler's
/// recursion (and the `jsonschema` crate's, for checked parts) take a few MB in a debug
/// build, more than the 2 MB a thread gets by default (the tuner compiles on one). Only
/// what is used is ever touched.
pub const COMPILE_STACK_BYTES: usize = 256 << 20;

thread_local! {
    /// Whether this thread has [`COMPILE_STACK_BYTES`] of stack, so that a compilation
    /// runs on it in place.
    static ON_COMPILE_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Runs a compilation on a thread with [`COMPILE_STACK_BYTES`] of stack (this one, when
/// it has them), passing on a panic as it was.
pub fn on_compile_stack<T: Send>(compile: impl FnOnce() -> T + Send) -> T {
    if ON_COMPILE_STACK.get() {
        return compile();
    }
    // The tuner's worker records its panics instead of printing them over the screen.
    let records_panics = crate::tui::worker::records_panics();
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("synthtune-compile".into())
            .stack_size(COMPILE_STACK_BYTES)
            .spawn_scoped(scope, || {
                crate::tui::worker::record_panics_here(records_panics);
                ON_COMPILE_STACK.set(true);
                compile()
            })
            // Only when the system is out of threads or address space, whatever the input.
            .expect("start the compiler's thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Declares that this thread may grow to [`COMPILE_STACK_BYTES`] of stack, so that
/// compilations on it run in place: for a main thread whose stack limit (`ulimit -s`)
/// the caller has checked, such as a fuzz target's, where handing every input to another
/// thread (a futex wake each way) costs more than checking a small schema.
pub fn this_thread_has_compile_stack() {
    ON_COMPILE_STACK.set(true);
}

/// Starts a long-lived thread with [`COMPILE_STACK_BYTES`] of stack, on which every
/// compilation runs in place: for a caller that compiles schema after schema (the fuzz
/// targets), where a thread per compilation costs as much as a small schema's compile.
pub fn spawn_compile_thread<T: Send + 'static>(
    name: &str,
    run: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(COMPILE_STACK_BYTES)
        .spawn(move || {
            ON_COMPILE_STACK.set(true);
            run()
        })
}

/// The sum of a pattern's repetition counts from which it may compile past the regex
/// engine's size limit (nested counts multiply); below it, no pattern is compiled here.
const LARGE_REPETITION: u64 = 300;

/// Refuses a pattern that is a valid regular expression but too big for the engine that
/// checks it (`^a{1000000}$`: the `jsonschema` crate would call it "not a regex").
fn check_pattern_size(pattern: &str, at: &str) -> Result<(), Problem> {
    let counts: u64 = pattern
        .split('{')
        .skip(1)
        .map(|after| {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            after[..digits]
                .parse::<u64>()
                .unwrap_or(if digits > 0 { u64::MAX } else { 0 })
        })
        .fold(0, u64::saturating_add);
    if counts < LARGE_REPETITION {
        return Ok(());
    }
    match regex::Regex::new(pattern) {
        Err(regex::Error::CompiledTooBig(limit)) => Err(Problem::invalid(
            at,
            format!(
                "pattern {pattern:?} is a valid regular expression, but too big for the regex engine that checks it: compiled, it exceeds the engine's limit of {} MB",
                limit >> 20
            ),
        )
        .hint("lower the repetition counts to a thousand or so, and bound the length with minLength/maxLength instead")),
        _ => Ok(()),
    }
}
