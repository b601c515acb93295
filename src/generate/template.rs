//! Templates of the `derive` knob: text with sibling fields in braces, each through
//! filters, e.g. `{first_name|ascii|lower}.{last_name|ascii|lower}@example.com` or
//! `{title|slug}`. No expressions and no `eval`: a fixed set of filters.

use serde_json::Value;

use crate::sink::{Sink, TextSink};

/// A template, its field names resolved to sibling indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Text(String),
    Field {
        /// The sibling's index in its object, and its name.
        index: usize,
        name: String,
        filters: Vec<Filter>,
    },
}

/// What a field's text goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Lower,
    Upper,
    /// Latin letters without their accents (`é` → `e`, `ß` → `ss`); other characters
    /// beyond ASCII dropped.
    Ascii,
    /// Lowercase letters and digits, with one `-` for each run of anything else, none at
    /// either end (`"Hello, World!"` → `hello-world`).
    Slug,
}

impl Filter {
    pub const NAMES: &'static [&'static str] = &["lower", "upper", "ascii", "slug"];

    pub fn parse(name: &str) -> Option<Filter> {
        Some(match name {
            "lower" => Filter::Lower,
            "upper" => Filter::Upper,
            "ascii" => Filter::Ascii,
            "slug" => Filter::Slug,
            _ => return None,
        })
    }

    /// `text` through the filter in place where that needs no copy, the usual case:
    /// ASCII text that only changes case (a slug of letters and digits is one). `false`
    /// where [`Filter::apply`] must make the text anew.
    fn apply_in_place(self, text: &mut str) -> bool {
        match self {
            Filter::Ascii => text.is_ascii(),
            Filter::Lower if text.is_ascii() => {
                text.make_ascii_lowercase();
                true
            }
            Filter::Upper if text.is_ascii() => {
                text.make_ascii_uppercase();
                true
            }
            Filter::Lower | Filter::Upper => false,
            // Letters and digits only (so ASCII): the slug is the text lowered.
            Filter::Slug if text.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                text.make_ascii_lowercase();
                true
            }
            Filter::Slug => false,
        }
    }

    /// `text` through the filter, appended to `out`.
    fn apply(self, text: &str, out: &mut String) {
        match self {
            Filter::Lower => out.push_str(&text.to_lowercase()),
            Filter::Upper => out.push_str(&text.to_uppercase()),
            Filter::Slug if text.is_ascii() => {
                let start = out.len();
                let mut dash = false;
                for b in text.bytes() {
                    if b.is_ascii_alphanumeric() {
                        if dash && out.len() > start {
                            out.push('-');
                        }
                        dash = false;
                        out.push(char::from(b.to_ascii_lowercase()));
                    } else {
                        dash = true;
                    }
                }
            }
            Filter::Ascii => {
                for c in text.chars() {
                    if c.is_ascii() {
                        out.push(c);
                    } else if let Some(folded) = fold_latin(c) {
                        out.push_str(folded);
                    }
                }
            }
            Filter::Slug => {
                let start = out.len();
                let push = |c: char, out: &mut String| {
                    if c.is_alphanumeric() {
                        out.push(c);
                    } else if out.len() > start && !out.ends_with('-') {
                        out.push('-');
                    }
                };
                for c in text.chars() {
                    if c.is_ascii() {
                        push(c.to_ascii_lowercase(), out);
                    } else {
                        c.to_lowercase().for_each(|c| push(c, out));
                    }
                }
                while out.len() > start && out.ends_with('-') {
                    out.pop();
                }
            }
        }
    }
}

/// The ASCII letters of an accented Latin letter.
fn fold_latin(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåā", "a"),
        ("ÀÁÂÃÄÅĀ", "A"),
        ("çćč", "c"),
        ("ÇĆČ", "C"),
        ("èéêëēė", "e"),
        ("ÈÉÊËĒĖ", "E"),
        ("ìíîïī", "i"),
        ("ÌÍÎÏĪ", "I"),
        ("ñń", "n"),
        ("ÑŃ", "N"),
        ("òóôõöøō", "o"),
        ("ÒÓÔÕÖØŌ", "O"),
        ("ùúûüū", "u"),
        ("ÙÚÛÜŪ", "U"),
        ("ýÿ", "y"),
        ("Ý", "Y"),
        ("šś", "s"),
        ("ŠŚ", "S"),
        ("žźż", "z"),
        ("ŽŹŻ", "Z"),
        ("ł", "l"),
        ("Ł", "L"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("Æ", "AE"),
        ("œ", "oe"),
        ("Œ", "OE"),
    ];
    TABLE
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

/// A field's value as template text: a string as it is, null or absent as nothing,
/// anything else as its JSON text.
pub fn text_of(value: Option<&Value>) -> String {
    let mut text = String::new();
    push_text_of(value, &mut text);
    text
}

/// [`text_of`], appended to `out`.
pub fn push_text_of(value: Option<&Value>, out: &mut String) {
    if let Some(value) = value {
        TextSink::new(out).value(value);
    }
}

impl Template {
    /// Reads `{name|filter|...}` pieces and text; `{{` and `}}` are braces.
    /// `resolve` gives a sibling's index for its name.
    pub fn parse(
        source: &str,
        mut resolve: impl FnMut(&str) -> Result<usize, String>,
    ) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '}' => return Err("a } closes no field (write }} for a brace)".into()),
                '{' => {
                    let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let mut parts = inner.split('|').map(str::trim);
                    let name = parts.next().unwrap_or_default();
                    if name.is_empty() {
                        return Err("{} names no field: write {field_name}".into());
                    }
                    let filters = parts
                        .map(|f| {
                            Filter::parse(f).ok_or_else(|| {
                                format!("unknown filter {f:?}: use {}", Filter::NAMES.join(", "))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Field {
                        index: resolve(name)?,
                        name: name.to_owned(),
                        filters,
                    });
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field { .. })) {
            return Err("the template names no field: write {field_name} in it".into());
        }
        Ok(Template { pieces })
    }

    /// The fields it reads, by index.
    pub fn sources(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Field { index, .. } => Some(*index),
            Piece::Text(_) => None,
        })
    }

    /// The text for the fields' texts as `field` gives them.
    pub fn render(&self, mut field: impl FnMut(usize, &str) -> String) -> String {
        let mut out = String::new();
        self.render_into(&mut out, &mut String::new(), |index, name, text| {
            text.push_str(&field(index, name))
        });
        out
    }

    /// Appends the text to `out`, each field's text appended there by `field` (given
    /// its index and name) and put through its filters in place, or through `scratch`
    /// where a filter must copy. Returns whether every field gave some text.
    pub fn render_into(
        &self,
        out: &mut String,
        scratch: &mut String,
        mut field: impl FnMut(usize, &str, &mut String),
    ) -> bool {
        let mut every_field = true;
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field {
                    index,
                    name,
                    filters,
                } => {
                    let start = out.len();
                    field(*index, name, out);
                    for filter in filters {
                        if !filter.apply_in_place(&mut out[start..]) {
                            scratch.clear();
                            filter.apply(&out[start..], scratch);
                            out.truncate(start);
                            out.push_str(scratch);
                        }
                    }
                    every_field &= out.len() > start;
                }
            }
        }
        every_field
    }

    /// For a template of the shape `{first|ascii|slug}.{last|slug}@example.com`: the
    /// length of its domain, the fixed text after its `@`, where every text it makes is
    /// a plain email ([`is_plain_email`]) once each field's filtered text is not empty,
    /// the whole text is ASCII and its local part (all before the domain and its `@`)
    /// is at most 64 bytes. `None` where the template alone does not tell.
    ///
    /// Why that holds: each field goes through `slug`, after which an ASCII text is
    /// letters, digits and hyphens (the later filters only change case or drop what is
    /// not ASCII), all of them allowed in a local part, and no dot. So one letter in
    /// place of each field stands for every text the template makes: where that
    /// skeleton is a plain email with every field before its `@`, so is each text.
    ///
    /// [`is_plain_email`]: crate::generate::rule::is_plain_email
    pub fn email_domain_length(&self) -> Option<usize> {
        let mut skeleton = String::new();
        let mut local = None;
        for piece in &self.pieces {
            match piece {
                Piece::Field { filters, .. } => {
                    if local.is_some() || !filters.contains(&Filter::Slug) {
                        return None;
                    }
                    skeleton.push('a');
                }
                Piece::Text(text) => {
                    if local.is_none()
                        && let Some(at) = text.find('@')
                    {
                        local = Some(skeleton.len() + at);
                    }
                    skeleton.push_str(text);
                }
            }
        }
        let domain = skeleton.len() - local? - 1;
        crate::generate::rule::is_plain_email(&skeleton).then_some(domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(source: &str) -> Result<Template, String> {
        let names = ["first_name", "last_name", "title"];
        Template::parse(source, |n| {
            names
                .iter()
                .position(|x| *x == n)
                .ok_or_else(|| format!("no {n}"))
        })
    }

    #[test]
    fn fields_go_through_their_filters() {
        let t = template("{first_name|ascii|lower}.{last_name|slug}@example.com {{x}}").unwrap();
        let values = ["Zoë", "Le Brun-Ørsted", ""];
        assert_eq!(
            t.render(|i, _| values[i].to_owned()),
            "zoe.le-brun-ørsted@example.com {x}"
        );
        let t = template("{title|slug}").unwrap();
        assert_eq!(
            t.render(|_, _| "  Hello, World! 2024 ".into()),
            "hello-world-2024"
        );
        assert_eq!(
            template("{first_name|upper}")
                .unwrap()
                .render(|_, _| "ß".into()),
            "SS"
        );
    }

    #[test]
    fn a_bad_template_says_what_is_wrong() {
        for (source, message) in [
            ("{nope}", "no nope"),
            ("{first_name|shout}", "unknown filter \"shout\""),
            ("{}", "names no field"),
            ("plain text", "names no field"),
            ("a } b", "closes no field"),
        ] {
            let error = template(source).unwrap_err();
            assert!(error.contains(message), "{source}: {error}");
        }
    }
}
