//! Templates of the `derive` knob: text with sibling fields in braces, each through
//! filters, e.g. `{first_name|ascii|lower}.{last_name|ascii|lower}@example.com` or
//! `{title|slug}`. No expressions and no `eval`: a fixed set of filters.

use serde_json::Value;

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

    /// `text` through the filter, appended to `out` (ASCII text, the usual case,
    /// without a table lookup per character).
    fn apply(self, text: &str, out: &mut String) {
        match self {
            Filter::Lower if text.is_ascii() => {
                out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())))
            }
            Filter::Upper if text.is_ascii() => {
                out.extend(text.bytes().map(|b| char::from(b.to_ascii_uppercase())))
            }
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
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
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
        let mut out = String::with_capacity(64);
        let mut scratch = String::with_capacity(32);
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field {
                    index,
                    name,
                    filters,
                } => {
                    let mut text = field(*index, name);
                    for filter in filters {
                        if *filter == Filter::Ascii && text.is_ascii() {
                            continue; // nothing to fold, and no copy
                        }
                        scratch.clear();
                        filter.apply(&text, &mut scratch);
                        std::mem::swap(&mut text, &mut scratch);
                    }
                    out.push_str(&text);
                }
            }
        }
        out
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
