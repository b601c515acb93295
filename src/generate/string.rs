//! `string` values: free text within length bounds, patterns, formats, dates and
//! realistic domains.

use rand::RngExt;

use super::distribution::IntSampler;
use super::domain::{Domain, EntityRole, Locale};
use super::format::Format;
use super::pattern::PatternGen;
use super::temporal::TemporalGen;
use crate::rng::{SynthRng, mix, rng_for};
use crate::sink::Sink;

/// Words for free text when a schema says nothing more than "a string".
const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
    "consequat",
    "duis",
    "aute",
    "irure",
    "in",
    "reprehenderit",
    "voluptate",
    "velit",
    "esse",
    "cillum",
    "fugiat",
    "nulla",
    "pariatur",
    "excepteur",
    "sint",
    "occaecat",
    "cupidatat",
    "non",
    "proident",
    "sunt",
    "culpa",
    "qui",
    "officia",
    "deserunt",
    "mollit",
    "anim",
    "id",
    "est",
    "laborum",
    "alpha",
    "delta",
];

/// How many times a domain value may miss the length bounds before the fallback is used.
const DOMAIN_TRIES: u32 = 4;

#[derive(Debug, Clone)]
pub enum StringGen {
    /// Readable words, cut to a length in `[min, max]` code points.
    Text(TextGen),
    Pattern(PatternGen),
    Format(Format),
    Temporal(TemporalGen),
    /// A realistic value; one that misses the length bounds is redrawn, then replaced by
    /// the fallback's.
    Domain {
        domain: Domain,
        locale: Locale,
        min: usize,
        max: usize,
        fallback: Box<StringGen>,
        /// Drawn as a part of an entity of its object (a person, a place): then every
        /// value is in `[min, max]` and the fallback is never used.
        entity: Option<EntityRole>,
    },
}

impl StringGen {
    pub fn generate<S: Sink>(&self, key: u64, out: &mut S) {
        if S::TAKES_PLAIN_TEXT && self.never_escapes() {
            out.plain_str_with(|buf| self.write(key, buf));
        } else {
            out.str_with(|buf| self.write(key, buf));
        }
    }

    /// [`StringGen::generate`] inside an object whose entities are drawn from `entity`
    /// (its key: see [`Ctx::entity`](super::Ctx::entity)).
    #[inline(always)]
    pub fn generate_in<S: Sink>(&self, key: u64, entity: u64, out: &mut S) {
        match self {
            StringGen::Domain {
                domain,
                locale,
                entity: Some(role),
                fallback,
                ..
            } => {
                let write = |buf: &mut String| {
                    domain.generate_part(mix(entity, role.group), *locale, *role, buf)
                };
                if S::TAKES_PLAIN_TEXT && fallback.never_escapes() {
                    out.plain_str_with(write);
                } else {
                    out.str_with(write);
                }
            }
            _ => self.generate(key, out),
        }
    }

    /// Whether no value holds a character JSON must escape: free text is lowercase words,
    /// dates and times are digits and separators, domain tables are cleaned of quotes
    /// and backslashes, and a pattern knows from its character classes (each claim has
    /// its test).
    fn never_escapes(&self) -> bool {
        match self {
            StringGen::Text(_) | StringGen::Temporal(_) => true,
            StringGen::Format(format) => format.never_escapes(),
            StringGen::Domain { fallback, .. } => fallback.never_escapes(),
            StringGen::Pattern(pattern) => pattern.never_escapes(),
        }
    }

    /// Appends one value to `buf`, leaving the text before it as it was.
    pub fn write(&self, key: u64, buf: &mut String) {
        let mut rng = rng_for(key);
        match self {
            StringGen::Text(t) => t.generate(&mut rng, buf),
            StringGen::Pattern(p) => p.generate(&mut rng, buf),
            StringGen::Format(f) => f.generate(&mut rng, buf),
            StringGen::Temporal(t) => t.generate(&mut rng, buf),
            StringGen::Domain {
                domain,
                locale,
                min,
                max,
                fallback,
                ..
            } => {
                let start = buf.len();
                for attempt in 0..DOMAIN_TRIES {
                    domain.generate(&mut rng, *locale, buf);
                    let value = &buf[start..];
                    // Bytes bound characters from above: most values need no count.
                    if *min == 0 && value.len() <= *max
                        || (*min..=*max).contains(&value.chars().count())
                    {
                        return;
                    }
                    buf.truncate(start);
                    rng = rng_for(mix(key, u64::from(attempt) + 1));
                }
                fallback.write(mix(key, u64::from(DOMAIN_TRIES) + 1), buf);
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            StringGen::Text(t) => format!("text [{}, {}]", t.min, t.max),
            StringGen::Pattern(_) => "pattern".into(),
            StringGen::Format(f) => format!("format {}", f.name()),
            StringGen::Temporal(t) => t.describe(),
            StringGen::Domain { domain, .. } => format!("domain {}", domain.name()),
        }
    }
}

/// Readable words, cut to a length in `[min, max]` code points.
#[derive(Debug, Clone)]
pub struct TextGen {
    pub min: usize,
    pub max: usize,
    /// The length distribution (`x-synth.length`); uniform when absent.
    length: Option<IntSampler>,
    /// How many of the corpus's word starts leave `max` characters after them: any text
    /// this generator writes can start at one of them (0 when `max` exceeds the corpus).
    starts: usize,
}

impl TextGen {
    pub fn new(min: usize, max: usize, length: Option<IntSampler>) -> TextGen {
        TextGen {
            min,
            max,
            length,
            starts: CORPUS.starts_leaving(max),
        }
    }

    /// The law of the lengths it writes (in code points, as statistics count them).
    pub fn length_law(&self) -> crate::generate::number::NumberLaw {
        let label = format!("text [{}, {}]", self.min, self.max);
        crate::generate::number::NumberLaw::of_length(
            label,
            self.min,
            self.max,
            self.length.as_ref(),
        )
    }

    fn generate(&self, rng: &mut SynthRng, buf: &mut String) {
        let len = match &self.length {
            Some(sampler) => sampler.sample(rng).clamp(self.min as i64, self.max as i64) as usize,
            None => rng.random_range(self.min..=self.max),
        };
        let starts = match self.starts {
            0 => CORPUS.starts_leaving(len),
            n => n,
        };
        write_text(rng, len, starts, buf);
    }
}

/// A fixed run of words in a scrambled order: text is a slice of it starting at a random
/// word, so that long text costs one copy rather than one push per word.
struct Corpus {
    text: String,
    /// Byte offsets where words start.
    starts: Vec<usize>,
}

impl Corpus {
    /// How many word starts have at least `len` characters after them.
    fn starts_leaving(&self, len: usize) -> usize {
        self.starts.partition_point(|&s| s + len <= self.text.len())
    }
}

static CORPUS: std::sync::LazyLock<Corpus> = std::sync::LazyLock::new(|| {
    let mut rng = rng_for(0x00C0_4205);
    let mut text = String::with_capacity(CORPUS_LEN + 16);
    let mut starts = Vec::new();
    while text.len() < CORPUS_LEN {
        if !text.is_empty() {
            text.push(' ');
        }
        starts.push(text.len());
        text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    Corpus { text, starts }
});

/// Long enough for any readable field; longer text is built word by word.
const CORPUS_LEN: usize = 8192;

/// Exactly `len` characters of lowercase words separated by single spaces, never
/// starting or ending with a space. `starts` word starts of the corpus leave `len`
/// characters after them (0: none does).
fn write_text(rng: &mut SynthRng, len: usize, starts: usize, buf: &mut String) {
    let corpus = &*CORPUS;
    // The buffer may hold other text before this value's.
    let start = buf.len();
    if starts > 0 {
        let from = corpus.starts[rng.random_range(0..starts)];
        buf.push_str(&corpus.text[from..from + len]);
    } else {
        while buf.len() - start < len {
            if buf.len() > start {
                buf.push(' ');
            }
            buf.push_str(WORDS[rng.random_range(0..WORDS.len())]);
        }
        buf.truncate(start + len);
    }
    if buf.len() > start && buf.ends_with(' ') {
        buf.pop();
        buf.push('s');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Free text is said to need no JSON escapes: it is made of these words and spaces.
    #[test]
    fn text_needs_no_escapes() {
        assert!(!crate::sink::needs_escape(CORPUS.text.as_bytes()));
        assert!(
            WORDS
                .iter()
                .all(|w| !crate::sink::needs_escape(w.as_bytes()))
        );
    }

    #[test]
    fn text_has_exact_length_and_no_edge_spaces() {
        for len in (0..60).chain([8191, 8192, 9000, 20_000]) {
            let mut rng = rng_for(len as u64);
            let mut s = String::new();
            write_text(&mut rng, len, CORPUS.starts_leaving(len), &mut s);
            assert_eq!(s.chars().count(), len);
            assert!(!s.starts_with(' ') && !s.ends_with(' '), "{s:?}");
        }
    }
}
