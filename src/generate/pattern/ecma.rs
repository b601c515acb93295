//! Rewrites an ECMA-262 pattern into regex-syntax's dialect with the same meaning.
//!
//! The scanner accepts what the jsonschema crate accepts: ECMA-262 with the `u` flag's
//! strictness (a lone `{`, `}` or `]` is an error, `[\w-z]` too), widened with identity escapes
//! of any non-alphanumeric character (`\/`, `\-`).
//! Every class escape and `.` is spelled out as an explicit class, since regex-syntax's are
//! Unicode-aware where ECMA's are ASCII.

use super::{PatternError, unsupported};

const DIGIT: &str = "[0-9]";
const NOT_DIGIT: &str = "[^0-9]";
const WORD: &str = "[0-9A-Za-z_]";
const NOT_WORD: &str = "[^0-9A-Za-z_]";
/// ECMA `\s`: WhiteSpace and LineTerminator.
const SPACE: &str = r"[\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
const NOT_SPACE: &str = r"[^\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
/// ECMA `.` without the `s` flag: anything but a LineTerminator.
const DOT: &str = r"[^\n\r\x{2028}\x{2029}]";
/// `[^]`: any character.
const ANY: &str = r"[\x{0}-\x{10FFFF}]";
/// `[]`: no character.
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";

fn syntax(message: impl Into<String>) -> PatternError {
    PatternError::Syntax(message.into())
}

pub(super) fn translate(pattern: &str) -> Result<String, PatternError> {
    let mut translator = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        out: String::with_capacity(pattern.len() * 2),
        can_repeat: false,
        open_groups: 0,
    };
    translator.run()?;
    Ok(translator.out)
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

struct Translator {
    chars: Vec<char>,
    pos: usize,
    out: String,
    /// Whether a quantifier may follow (an atom was just written).
    can_repeat: bool,
    open_groups: usize,
}

impl Translator {
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

    fn run(&mut self) -> Result<(), PatternError> {
        while let Some(c) = self.next() {
            match c {
                '\\' => self.escape()?,
                '[' => {
                    let class = self.class()?;
                    self.atom(&class);
                }
                '.' => self.atom(DOT),
                '(' => self.open_group()?,
                ')' => {
                    if self.open_groups == 0 {
                        return Err(syntax("unmatched `)`"));
                    }
                    self.open_groups -= 1;
                    self.atom(")");
                }
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
        if self.open_groups > 0 {
            return Err(syntax("missing `)`"));
        }
        Ok(())
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
        if self.eat('?') {
            match self.next() {
                Some(':') => self.out.push_str("(?:"),
                Some('=' | '!') => {
                    return Err(unsupported("lookahead assertions `(?=...)` and `(?!...)`"));
                }
                Some('<') if matches!(self.peek(), Some('=' | '!')) => {
                    return Err(unsupported(
                        "lookbehind assertions `(?<=...)` and `(?<!...)`",
                    ));
                }
                Some('<') => {
                    // Names only matter for backreferences, which are refused anyway.
                    self.group_name()?;
                    self.out.push('(');
                }
                Some(_) => {
                    self.pos -= 1;
                    self.modifiers()?;
                }
                None => return Err(syntax("missing `)`")),
            }
        } else {
            self.out.push('(');
        }
        self.open_groups += 1;
        self.can_repeat = false;
        Ok(())
    }

    /// `name>` of `(?<name>`.
    fn group_name(&mut self) -> Result<(), PatternError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        if self.pos == start || !self.eat('>') {
            return Err(syntax("invalid group name in `(?<name>...)`"));
        }
        Ok(())
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
        match c {
            'd' => self.atom(DIGIT),
            'D' => self.atom(NOT_DIGIT),
            'w' => self.atom(WORD),
            'W' => self.atom(NOT_WORD),
            's' => self.atom(SPACE),
            'S' => self.atom(NOT_SPACE),
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
                return Err(unsupported(format!("backreferences such as `\\{c}`")));
            }
            'k' if self.peek() == Some('<') => {
                return Err(unsupported("named backreferences `\\k<name>`"));
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
        Ok(match escaped {
            'd' => ClassAtom::Set(DIGIT.into()),
            'D' => ClassAtom::Set(NOT_DIGIT.into()),
            'w' => ClassAtom::Set(WORD.into()),
            'W' => ClassAtom::Set(NOT_WORD.into()),
            's' => ClassAtom::Set(SPACE.into()),
            'S' => ClassAtom::Set(NOT_SPACE.into()),
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
