//! Rewrites an ECMA-262 pattern into regex-syntax's dialect with the same meaning.
//!
//! The scanner accepts what the jsonschema crate accepts: ECMA-262 with the `u` flag's
//! strictness (a lone `{`, `}` or `]` is an error, `[\w-z]` too), widened with identity escapes
//! of any non-alphanumeric character (`\/`, `\-`) and with the anchors of other dialects
//! (`\A`, `\z`, `\Z`, read as `^` and `$`, as Python's `re` and the Rust jsonschema crate read
//! them).
//!
//! Every class escape and `.` is spelled out as an explicit class. Validators disagree on
//! them: ECMA-262's `\d` and `\w` are ASCII, Python's `re` and the regex engines behind the
//! jsonschema crate read them as Unicode; ECMA's `\s` holds U+FEFF, Python's holds
//! U+001C-U+001F and U+0085 instead. A generated character must satisfy every reading, so a
//! class escape is read *narrow* (what all agree it matches) where it is matched and *wide*
//! (what any reading may match) where it is excluded: inside `[^...]` and inside a negative
//! look-around, whose polarity flips.
//!
//! Look-arounds and back-references have no place in regex-syntax's dialect. The text to
//! generate from leaves look-arounds out and marks back-references with placeholder groups
//! (see [`Translation`]); a second text, for fancy-regex, keeps both to check the candidates.

use super::{PatternError, unsupported};

/// A class escape or `.`, read narrow or wide (see the module's documentation).
#[derive(Clone, Copy)]
enum Escape {
    Digit,
    NotDigit,
    Word,
    NotWord,
    Space,
    NotSpace,
    Dot,
}

/// Characters every reading counts as white space: ECMA-262's `\s` without U+FEFF (which
/// Python's `re` and Unicode's White_Space leave out).
const SPACE_NARROW: &str =
    r"\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";
/// Characters some reading counts as white space: also U+FEFF (ECMA-262), U+001C-U+001F and
/// U+0085 (Python's `str.isspace`, Unicode's White_Space).
const SPACE_WIDE: &str = r"\x{9}-\x{D}\x{1C}-\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

impl Escape {
    /// The class text for this escape, read narrow (`wide == false`) or wide.
    fn class(self, wide: bool) -> String {
        match (self, wide) {
            (Escape::Digit, false) => "[0-9]".into(),
            (Escape::Digit, true) => r"[\p{Nd}]".into(),
            (Escape::NotDigit, false) => r"[^\p{Nd}]".into(),
            (Escape::NotDigit, true) => "[^0-9]".into(),
            // Unicode `\w` and numbers (Python's `\w` is `str.isalnum`, which takes `\p{No}`).
            (Escape::Word, false) => "[0-9A-Za-z_]".into(),
            (Escape::Word, true) => r"[\w\p{N}]".into(),
            (Escape::NotWord, false) => r"[^\w\p{N}]".into(),
            (Escape::NotWord, true) => "[^0-9A-Za-z_]".into(),
            (Escape::Space, false) => format!("[{SPACE_NARROW}]"),
            (Escape::Space, true) => format!("[{SPACE_WIDE}]"),
            (Escape::NotSpace, false) => format!("[^{SPACE_WIDE}]"),
            (Escape::NotSpace, true) => format!("[^{SPACE_NARROW}]"),
            // ECMA `.` leaves out every LineTerminator; Python's and the regex crate's only `\n`.
            (Escape::Dot, false) => r"[^\n\r\x{2028}\x{2029}]".into(),
            (Escape::Dot, true) => r"[^\n]".into(),
        }
    }

    fn of(c: char) -> Option<Escape> {
        Some(match c {
            'd' => Escape::Digit,
            'D' => Escape::NotDigit,
            'w' => Escape::Word,
            'W' => Escape::NotWord,
            's' => Escape::Space,
            'S' => Escape::NotSpace,
            _ => return None,
        })
    }
}

/// `[^]`: any character.
const ANY: &str = r"[\x{0}-\x{10FFFF}]";
/// `[]`: no character.
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";

/// What the translation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// regex-syntax, to generate from: look-arounds left out, back-references as placeholders.
    Generate,
    /// fancy-regex, to check candidates: look-arounds and back-references kept.
    Verify,
}

/// A pattern in regex-syntax's dialect, and what generation must know beyond it.
#[derive(Debug, Clone, Default)]
pub(super) struct Translation {
    /// regex-syntax text. Capturing group `n` is named `g{n}`; the back-reference number `k`
    /// to group `n` is the empty group named `r{n}_{k}`.
    pub(super) generate: String,
    /// fancy-regex text, when the pattern has look-arounds or back-references: only a check
    /// against it tells whether a candidate matches.
    pub(super) verify: Option<String>,
    /// The groups some back-reference copies.
    pub(super) referenced: Vec<usize>,
    /// The anchors of other dialects met (`\A`, `\z`, `\Z`), once each, in order.
    pub(super) foreign_anchors: Vec<&'static str>,
}

fn syntax(message: impl Into<String>) -> PatternError {
    PatternError::Syntax(message.into())
}

pub(super) fn translate(pattern: &str) -> Result<Translation, PatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let generate = Translator::new(&chars, Target::Generate).run()?;
    let mut translation = Translation {
        generate: generate.out,
        verify: None,
        referenced: generate.referenced,
        foreign_anchors: generate.foreign_anchors,
    };
    if generate.needs_verify {
        translation.verify = Some(Translator::new(&chars, Target::Verify).run()?.out);
    }
    translation.referenced.sort_unstable();
    translation.referenced.dedup();
    Ok(translation)
}

/// Appends `c` as a literal, escaped when regex-syntax would read it as syntax.
fn push_literal(out: &mut String, c: char) {
    if regex_syntax::is_meta_character(c) {
        out.push('\\');
    }
    out.push(c);
}

/// One atom of a character class.
enum ClassAtom {
    Char(char),
    /// A class escape such as `\d`, spelled as a nested class.
    Set(String),
}

impl ClassAtom {
    fn write(&self, out: &mut String) {
        match self {
            ClassAtom::Char(c) => push_literal(out, *c),
            ClassAtom::Set(text) => out.push_str(text),
        }
    }
}

/// A group being translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    /// `(...)`, `(?<name>...)`, `(?:...)`, `(?i:...)`.
    Plain,
    /// A look-around: where its text starts in `out` (it is cut out when generating), and
    /// whether it is negative.
    LookAround { start: usize, negative: bool },
}

struct Translator<'a> {
    chars: &'a [char],
    pos: usize,
    out: String,
    target: Target,
    /// Whether a quantifier may follow (an atom was just written).
    can_repeat: bool,
    groups: Vec<Group>,
    /// Inside this many negative look-arounds: an odd count reads class escapes wide.
    negative_depth: usize,
    /// Capturing groups opened so far (the number of the last one).
    captures: usize,
    /// Names of the named groups opened so far, with their numbers.
    names: Vec<(String, usize)>,
    /// Back-references written so far, for unique placeholder names.
    backrefs: usize,
    referenced: Vec<usize>,
    foreign_anchors: Vec<&'static str>,
    /// A look-around or back-reference was met.
    needs_verify: bool,
    /// The class being read is negated (`[^...]`).
    in_negated_class: bool,
}

impl<'a> Translator<'a> {
    fn new(chars: &'a [char], target: Target) -> Translator<'a> {
        Translator {
            chars,
            pos: 0,
            out: String::with_capacity(chars.len() * 2),
            target,
            can_repeat: false,
            groups: Vec::new(),
            negative_depth: 0,
            captures: 0,
            names: Vec::new(),
            backrefs: 0,
            referenced: Vec::new(),
            foreign_anchors: Vec::new(),
            needs_verify: false,
            in_negated_class: false,
        }
    }

    /// The class text of `escape` here: narrow where a match needs it, wide where a match
    /// excludes it (`in_negated_class` or inside a negative look-around, not both).
    fn escape_class(&self, escape: Escape, in_negated_class: bool) -> String {
        escape.class(in_negated_class != (self.negative_depth % 2 == 1))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn atom(&mut self, text: &str) {
        self.out.push_str(text);
        self.can_repeat = true;
    }

    fn run(mut self) -> Result<Self, PatternError> {
        while let Some(c) = self.next() {
            match c {
                '\\' => self.escape()?,
                '[' => {
                    let class = self.class()?;
                    self.atom(&class);
                }
                '.' => {
                    let dot = self.escape_class(Escape::Dot, false);
                    self.atom(&dot);
                }
                '(' => self.open_group()?,
                ')' => self.close_group()?,
                '|' | '^' | '$' => {
                    self.out.push(c);
                    self.can_repeat = false;
                }
                '*' | '+' | '?' => self.quantifier(&c.to_string())?,
                ']' | '}' => return Err(syntax(format!("lone `{c}` (write `\\{c}`)"))),
                '{' => {
                    let quantifier = self.braced_quantifier()?;
                    self.quantifier(&quantifier)?;
                }
                _ => {
                    push_literal(&mut self.out, c);
                    self.can_repeat = true;
                }
            }
        }
        if !self.groups.is_empty() {
            return Err(syntax("missing `)`"));
        }
        if let Some(&n) = self.referenced.iter().find(|&&n| n > self.captures) {
            return Err(syntax(format!(
                "the back-reference `\\{n}` names a group the pattern does not have"
            )));
        }
        Ok(self)
    }

    fn close_group(&mut self) -> Result<(), PatternError> {
        match self.groups.pop() {
            None => Err(syntax("unmatched `)`")),
            Some(Group::Plain) => {
                self.atom(")");
                Ok(())
            }
            Some(Group::LookAround { start, negative }) => {
                if negative {
                    self.negative_depth -= 1;
                }
                match self.target {
                    // Zero-width: generation goes on as if it were not there.
                    Target::Generate => self.out.truncate(start),
                    Target::Verify => self.out.push(')'),
                }
                // ECMA-262 with the `u` flag does not repeat an assertion.
                self.can_repeat = false;
                Ok(())
            }
        }
    }

    fn quantifier(&mut self, text: &str) -> Result<(), PatternError> {
        if !self.can_repeat {
            return Err(syntax(format!("nothing to repeat before `{text}`")));
        }
        self.out.push_str(text);
        if self.eat('?') {
            self.out.push('?');
        }
        self.can_repeat = false;
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}`, the `{` consumed.
    fn braced_quantifier(&mut self) -> Result<String, PatternError> {
        let malformed =
            || syntax("`{` must start a quantifier such as {3} or {2,5} (write `\\{` for a brace)");
        let min = self.number()?.ok_or_else(malformed)?;
        let text = if self.eat(',') {
            match self.number()? {
                Some(max) if max < min => {
                    return Err(syntax(format!(
                        "quantifier {{{min},{max}}} is out of order"
                    )));
                }
                Some(max) => format!("{{{min},{max}}}"),
                None => format!("{{{min},}}"),
            }
        } else {
            format!("{{{min}}}")
        };
        if !self.eat('}') {
            return Err(malformed());
        }
        Ok(text)
    }

    fn number(&mut self) -> Result<Option<u32>, PatternError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return Ok(None);
        }
        let digits: String = self.chars[start..self.pos].iter().collect();
        digits
            .parse()
            .map(Some)
            .map_err(|_| syntax(format!("quantifier bound {digits} is too large")))
    }

    /// After `(`.
    fn open_group(&mut self) -> Result<(), PatternError> {
        let mut group = Group::Plain;
        if self.eat('?') {
            match self.next() {
                Some(':') => self.out.push_str("(?:"),
                Some(c @ ('=' | '!')) => group = self.open_look_around(c == '!', "(?")?,
                Some('<') if matches!(self.peek(), Some('=' | '!')) => {
                    let negative = self.next() == Some('!');
                    group = self.open_look_around(negative, "(?<")?;
                }
                Some('<') => {
                    let name = self.group_name()?;
                    if self.names.iter().any(|(n, _)| *n == name) {
                        return Err(syntax(format!("the group name `{name}` is used twice")));
                    }
                    self.open_capture();
                    self.names.push((name, self.captures));
                }
                Some(_) => {
                    self.pos -= 1;
                    self.modifiers()?;
                }
                None => return Err(syntax("missing `)`")),
            }
        } else {
            self.open_capture();
        }
        self.groups.push(group);
        self.can_repeat = false;
        Ok(())
    }

    /// A capturing group, numbered as ECMA-262 numbers it (named ones too).
    fn open_capture(&mut self) {
        self.captures += 1;
        match self.target {
            Target::Generate => {
                self.out.push_str("(?<g");
                self.out.push_str(&self.captures.to_string());
                self.out.push('>');
            }
            Target::Verify => self.out.push('('),
        }
    }

    /// `(?=`, `(?!`, `(?<=` or `(?<!`, after its opening; `opening` is `(?` or `(?<`.
    fn open_look_around(&mut self, negative: bool, opening: &str) -> Result<Group, PatternError> {
        self.needs_verify = true;
        let start = self.out.len();
        self.out.push_str(opening);
        self.out.push(if negative { '!' } else { '=' });
        if negative {
            self.negative_depth += 1;
        }
        Ok(Group::LookAround { start, negative })
    }

    /// `name>` of `(?<name>`.
    fn group_name(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if self.pos == start || !self.eat('>') {
            return Err(syntax("invalid group name in `(?<name>...)`"));
        }
        Ok(name)
    }

    /// A back-reference to group `n`: a placeholder group to generate from, `\n` to check.
    fn backref(&mut self, n: usize) {
        self.needs_verify = true;
        self.referenced.push(n);
        self.backrefs += 1;
        match self.target {
            Target::Generate => {
                let placeholder = format!("(?<r{n}_{}>)", self.backrefs);
                self.atom(&placeholder);
            }
            Target::Verify => {
                let text = format!("\\{n}");
                self.atom(&text);
            }
        }
    }

    /// `\A`, `\z` or `\Z`, after the `\`: anchors of other dialects, read as `^` and `$`.
    fn foreign_anchor(&mut self, c: char) {
        let (name, anchor) = match c {
            'A' => ("\\A", '^'),
            'z' => ("\\z", '$'),
            _ => ("\\Z", '$'),
        };
        if !self.foreign_anchors.contains(&name) {
            self.foreign_anchors.push(name);
        }
        self.out.push(anchor);
        self.can_repeat = false;
    }

    /// ES2025 modifiers `(?i:...)` / `(?-i:...)`, after `(?`. Only `i` is supported: `m`
    /// and `s` change what `^`, `$` and `.` mean.
    fn modifiers(&mut self) -> Result<(), PatternError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
        {
            self.pos += 1;
        }
        let flags: String = self.chars[start..self.pos].iter().collect();
        if !self.eat(':') || flags.is_empty() {
            return Err(syntax(format!("unknown group syntax `(?{flags}`")));
        }
        if let Some(flag) = flags.chars().find(|c| !matches!(c, 'i' | '-')) {
            return Err(if matches!(flag, 'm' | 's') {
                unsupported(format!("the `{flag}` modifier in `(?{flags}:...)`"))
            } else {
                syntax(format!("unknown modifier `{flag}` in `(?{flags}:...)`"))
            });
        }
        self.out.push_str("(?");
        self.out.push_str(&flags);
        self.out.push(':');
        Ok(())
    }

    /// After a `\` outside a class.
    fn escape(&mut self) -> Result<(), PatternError> {
        let c = self
            .next()
            .ok_or_else(|| syntax("the pattern ends with a lone `\\`"))?;
        if let Some(escape) = Escape::of(c) {
            let class = self.escape_class(escape, false);
            self.atom(&class);
            return Ok(());
        }
        match c {
            'A' | 'z' | 'Z' => self.foreign_anchor(c),
            'b' | 'B' => {
                self.out.push('\\');
                self.out.push(c);
                self.can_repeat = false;
            }
            'p' | 'P' => {
                let property = self.property(c)?;
                self.atom(&property);
            }
            '1'..='9' => {
                let mut n = c.to_digit(10).unwrap_or(1) as usize;
                while let Some(d) = self.peek().and_then(|d| d.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.pos += 1;
                }
                self.backref(n);
            }
            'k' if self.peek() == Some('<') => {
                self.pos += 1;
                let name = self.group_name()?;
                let Some(&(_, n)) = self.names.iter().find(|(known, _)| *known == name) else {
                    return Err(unsupported(format!(
                        "the named back-reference `\\k<{name}>` before its group"
                    )));
                };
                self.backref(n);
            }
            _ => {
                let literal = self.char_escape(c)?;
                push_literal(&mut self.out, literal);
                self.can_repeat = true;
            }
        }
        Ok(())
    }

    /// An escape standing for one character, after the `\`.
    fn char_escape(&mut self, c: char) -> Result<char, PatternError> {
        Ok(match c {
            'f' => '\x0C',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0B',
            '0' if self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                return Err(syntax("octal escapes such as `\\01` are not allowed"));
            }
            '0' => '\0',
            'c' => match self.next() {
                Some(letter) if letter.is_ascii_alphabetic() => char::from(letter as u8 % 32),
                _ => return Err(syntax("`\\c` must be followed by a letter")),
            },
            'x' => {
                let code = self.hex(2)?;
                char::from_u32(code).unwrap_or('\0')
            }
            'u' => self.unicode_escape()?,
            c if !c.is_ascii_alphanumeric() => c,
            _ => return Err(syntax(format!("unknown escape `\\{c}`"))),
        })
    }

    /// Exactly `digits` hex digits.
    fn hex(&mut self, digits: usize) -> Result<u32, PatternError> {
        let mut value = 0;
        for _ in 0..digits {
            let digit = self
                .next()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| syntax(format!("expected {digits} hexadecimal digits")))?;
            value = value * 16 + digit;
        }
        Ok(value)
    }

    /// `\u{...}` or `\uXXXX` (joining a `\uD83D\uDE00` surrogate pair), after `\u`.
    fn unicode_escape(&mut self) -> Result<char, PatternError> {
        let code = if self.eat('{') {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            if digits.is_empty() || !self.eat('}') {
                return Err(syntax("`\\u{` must hold hexadecimal digits and a `}`"));
            }
            u32::from_str_radix(&digits, 16)
                .ok()
                .filter(|&c| c <= 0x10FFFF)
                .ok_or_else(|| syntax(format!("`\\u{{{digits}}}` is not a code point")))?
        } else {
            let high = self.hex(4)?;
            if (0xD800..0xDC00).contains(&high)
                && self.peek() == Some('\\')
                && self.peek_at(1) == Some('u')
            {
                let resume = self.pos;
                self.pos += 2;
                match self.hex(4) {
                    Ok(low) if (0xDC00..0xE000).contains(&low) => {
                        return Ok(char::from_u32(
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00),
                        )
                        .unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    _ => self.pos = resume,
                }
            }
            high
        };
        char::from_u32(code).ok_or_else(|| {
            unsupported(format!(
                "the lone surrogate `\\u{code:04X}` (Rust strings cannot hold it)"
            ))
        })
    }

    /// `{Name}` or `{Name=Value}` of `\p`/`\P`, passed through to regex-syntax.
    fn property(&mut self, letter: char) -> Result<String, PatternError> {
        if !self.eat('{') {
            return Err(syntax(format!(
                "`\\{letter}` must be followed by `{{property}}`"
            )));
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
        {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if name.is_empty() || !self.eat('}') {
            return Err(syntax(format!("malformed `\\{letter}{{...}}`")));
        }
        Ok(format!("\\{letter}{{{name}}}"))
    }

    /// A class after `[`, returned as regex-syntax text with every literal escaped.
    fn class(&mut self) -> Result<String, PatternError> {
        let negated = self.eat('^');
        self.in_negated_class = negated;
        let mut body = String::new();
        loop {
            let c = self.next().ok_or_else(|| syntax("missing `]`"))?;
            if c == ']' {
                break;
            }
            let first = self.class_atom(c)?;
            let is_range = self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']');
            if !is_range {
                first.write(&mut body);
                continue;
            }
            self.pos += 1;
            let c = self.next().ok_or_else(|| syntax("missing `]`"))?;
            match (first, self.class_atom(c)?) {
                (ClassAtom::Char(lo), ClassAtom::Char(hi)) => {
                    if lo > hi {
                        return Err(syntax(format!("class range `{lo}-{hi}` is out of order")));
                    }
                    push_literal(&mut body, lo);
                    body.push('-');
                    push_literal(&mut body, hi);
                }
                _ => {
                    return Err(syntax(
                        "a class escape such as `\\d` cannot bound a range (write `\\-` for a hyphen)",
                    ));
                }
            }
        }
        Ok(match (body.is_empty(), negated) {
            (true, false) => NOTHING.into(),
            (true, true) => ANY.into(),
            (false, false) => format!("[{body}]"),
            (false, true) => format!("[^{body}]"),
        })
    }

    fn class_atom(&mut self, c: char) -> Result<ClassAtom, PatternError> {
        if c != '\\' {
            return Ok(ClassAtom::Char(c));
        }
        let escaped = self.next().ok_or_else(|| syntax("missing `]`"))?;
        if let Some(escape) = Escape::of(escaped) {
            return Ok(ClassAtom::Set(
                self.escape_class(escape, self.in_negated_class),
            ));
        }
        Ok(match escaped {
            'p' | 'P' => ClassAtom::Set(self.property(escaped)?),
            // In a class, `\b` is a backspace.
            'b' => ClassAtom::Char('\x08'),
            'B' | 'k' | '1'..='9' => {
                return Err(syntax(format!(
                    "`\\{escaped}` is not allowed in a character class"
                )));
            }
            _ => ClassAtom::Char(self.char_escape(escaped)?),
        })
    }
}
