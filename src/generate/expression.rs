//! Arithmetic of the `derive` knob: a number computed from sibling fields,
//! `quantity * unit_price`, `round(subtotal * 1.2, 2)`, `max(0, balance - fee)`.
//!
//! A fixed grammar, no `eval`: numbers, sibling names (`unit_price`, or `{unit price}`
//! for a name that is not an identifier), `+ - * /`, parentheses, and the functions
//! `min`, `max`, `abs` and `round(x, digits)`. Arithmetic is exact decimal
//! ([`Decimal`]), so that `3 * 19.99` is `59.97`, not `59.970000000000006`; division
//! keeps [`DIVISION_SCALE`] decimals.

use serde_json::Value;

/// Decimals a quotient keeps (rounded half away from zero).
pub const DIVISION_SCALE: u32 = 12;
/// Decimals any intermediate result keeps: beyond, a product is rounded.
const MAX_SCALE: u32 = 18;
/// How deep parentheses and calls may nest: the parser recurses.
const MAX_NESTING: usize = 64;

/// A decimal number: `units / 10^scale`, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub units: i128,
    pub scale: u32,
}

/// `10^exp`, from a table: every derived number of every row takes a few.
fn pow10(exp: u32) -> Option<i128> {
    const POWERS: [i128; 39] = {
        let mut powers = [1i128; 39];
        let mut i = 1;
        while i < 39 {
            powers[i] = powers[i - 1] * 10;
            i += 1;
        }
        powers
    };
    POWERS.get(exp as usize).copied()
}

/// `n / d` rounded half away from zero (`d > 0`).
fn div_round(n: i128, d: i128) -> Option<i128> {
    // 64-bit division where both fit, as they nearly always do: 128-bit division is a
    // library call several times as long.
    if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
        let (q, r) = (n / d, n % d);
        // |r| < d ≤ i64::MAX: twice |r| fits a u64.
        let away = r.unsigned_abs() * 2 >= d.unsigned_abs();
        return Some(i128::from(q) + if away { i128::from(n.signum()) } else { 0 });
    }
    let q = n / d;
    let r = n % d;
    if r.checked_abs()?.checked_mul(2)? >= d {
        q.checked_add(n.signum())
    } else {
        Some(q)
    }
}

impl Decimal {
    pub fn int(v: i64) -> Decimal {
        Decimal {
            units: v.into(),
            scale: 0,
        }
    }

    /// Reads decimal text: `-12`, `0.075`, `1.5e3`, `2E-4` (JSON number text, or a
    /// numeric string such as pydantic's `Decimal` writes).
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut units: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let mut scale = i64::try_from(fraction.len()).ok()? - i64::from(exponent);
        if units == 0 {
            scale = 0;
        }
        while scale < 0 {
            units = units.checked_mul(10)?;
            scale += 1;
        }
        let mut d = Decimal {
            units: if negative { -units } else { units },
            scale: u32::try_from(scale).ok()?,
        };
        if d.scale > MAX_SCALE {
            d = d.rescale(MAX_SCALE)?;
        }
        Some(d)
    }

    /// A JSON number, or a string of one.
    pub fn from_json(value: &Value) -> Option<Decimal> {
        match value {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(Decimal::int(i)),
                None => Decimal::parse(&n.to_string()),
            },
            Value::String(s) => Decimal::parse(s),
            _ => None,
        }
    }

    /// The same number with `scale` decimals, rounded half away from zero when fewer.
    pub fn rescale(self, scale: u32) -> Option<Decimal> {
        let units = if scale >= self.scale {
            self.units.checked_mul(pow10(scale - self.scale)?)?
        } else {
            div_round(self.units, pow10(self.scale - scale)?)?
        };
        Some(Decimal { units, scale })
    }

    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        Some((
            self.rescale(scale)?.units,
            other.rescale(scale)?.units,
            scale,
        ))
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            units: a.checked_add(b)?,
            scale,
        })
    }

    fn neg(self) -> Option<Decimal> {
        Some(Decimal {
            units: self.units.checked_neg()?,
            scale: self.scale,
        })
    }

    fn mul(self, other: Decimal) -> Option<Decimal> {
        let d = Decimal {
            units: self.units.checked_mul(other.units)?,
            scale: self.scale + other.scale,
        };
        if d.scale > MAX_SCALE {
            d.rescale(MAX_SCALE)
        } else {
            Some(d)
        }
    }

    /// `None` for a division by zero.
    fn div(self, other: Decimal) -> Option<Decimal> {
        if other.units == 0 {
            return None;
        }
        // units / 10^s = (a / 10^sa) / (b / 10^sb) → units = a · 10^(s + sb − sa) / b.
        let (mut n, mut d) = (self.units, other.units);
        let exp = i64::from(DIVISION_SCALE) + i64::from(other.scale) - i64::from(self.scale);
        if exp >= 0 {
            n = n.checked_mul(pow10(u32::try_from(exp).ok()?)?)?;
        } else {
            d = d.checked_mul(pow10(u32::try_from(-exp).ok()?)?)?;
        }
        if d < 0 {
            (n, d) = (n.checked_neg()?, d.checked_neg()?);
        }
        Some(Decimal {
            units: div_round(n, d)?,
            scale: DIVISION_SCALE,
        })
    }

    fn cmp(self, other: Decimal) -> Option<std::cmp::Ordering> {
        let (a, b, _) = self.aligned(other)?;
        Some(a.cmp(&b))
    }

    /// The nearest multiple of `step` (`mantissa / 10^decimals`, `mantissa > 0`), as a
    /// count of steps; halves away from zero.
    pub fn steps_of(self, mantissa: i64, decimals: u32) -> Option<i64> {
        // self / step = units · 10^decimals / (10^scale · mantissa)
        let (mut n, mut d) = (self.units, i128::from(mantissa));
        if decimals >= self.scale {
            n = n.checked_mul(pow10(decimals - self.scale)?)?;
        } else {
            d = d.checked_mul(pow10(self.scale - decimals)?)?;
        }
        i64::try_from(div_round(n, d)?).ok()
    }

    pub fn to_f64(self) -> f64 {
        // Exact enough for any value a field can hold: the text is read back as the
        // nearest double.
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.units.unsigned_abs().to_string();
        let sign = if self.units < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

/// A parsed expression, its names resolved to sibling indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    root: Expr,
    /// As written, for labels.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(Decimal),
    Field(usize, String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    Min,
    Max,
    Abs,
    Round,
}

impl Function {
    const NAMES: &'static str = "min, max, abs, round";

    fn parse(name: &str) -> Option<Function> {
        Some(match name {
            "min" => Function::Min,
            "max" => Function::Max,
            "abs" => Function::Abs,
            "round" => Function::Round,
            _ => return None,
        })
    }
}

impl Expression {
    /// Reads an expression; `resolve` gives a sibling's index for its name.
    pub fn parse(
        source: &str,
        resolve: impl FnMut(&str) -> Result<usize, String>,
    ) -> Result<Expression, String> {
        let mut parser = Parser {
            text: source,
            at: 0,
            depth: 0,
            resolve,
        };
        let root = parser.sum()?;
        parser.skip_space();
        if parser.at < source.len() {
            return Err(parser.error("an operator (+ - * /) or the end"));
        }
        if !root.reads_a_field() {
            return Err("the expression names no field: write a sibling's name in it".into());
        }
        Ok(Expression {
            root,
            source: source.to_owned(),
        })
    }

    /// The fields it reads, by index.
    pub fn sources(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.root.sources(&mut out);
        out
    }

    /// The value for the fields' values as `field` gives them (by index and name);
    /// `None` where a field has no number, a division is by zero, or a result overflows.
    pub fn eval(&self, field: &mut impl FnMut(usize, &str) -> Option<Decimal>) -> Option<Decimal> {
        self.root.eval(field)
    }
}

impl Expr {
    fn reads_a_field(&self) -> bool {
        let mut sources = Vec::new();
        self.sources(&mut sources);
        !sources.is_empty()
    }

    fn sources(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Number(_) => {}
            Expr::Field(i, _) => {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
            Expr::Neg(e) => e.sources(out),
            Expr::Binary(_, a, b) => {
                a.sources(out);
                b.sources(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.sources(out)),
        }
    }

    fn eval(&self, field: &mut impl FnMut(usize, &str) -> Option<Decimal>) -> Option<Decimal> {
        match self {
            Expr::Number(d) => Some(*d),
            Expr::Field(i, name) => field(*i, name),
            Expr::Neg(e) => e.eval(field)?.neg(),
            Expr::Binary(op, a, b) => {
                let (a, b) = (a.eval(field)?, b.eval(field)?);
                match op {
                    Op::Add => a.add(b),
                    Op::Sub => a.add(b.neg()?),
                    Op::Mul => a.mul(b),
                    Op::Div => a.div(b),
                }
            }
            Expr::Call(Function::Round, args) => {
                let digits = match args.get(1) {
                    Some(Expr::Number(d)) => u32::try_from(d.units).ok()?,
                    _ => 0,
                };
                args[0].eval(field)?.rescale(digits)
            }
            Expr::Call(Function::Abs, args) => {
                let v = args[0].eval(field)?;
                if v.units < 0 { v.neg() } else { Some(v) }
            }
            Expr::Call(f, args) => {
                let mut best = args[0].eval(field)?;
                for arg in &args[1..] {
                    let v = arg.eval(field)?;
                    let order = v.cmp(best)?;
                    if (*f == Function::Min && order.is_lt())
                        || (*f == Function::Max && order.is_gt())
                    {
                        best = v;
                    }
                }
                Some(best)
            }
        }
    }
}

/// A recursive-descent parser over the expression's text.
struct Parser<'t, R> {
    text: &'t str,
    at: usize,
    depth: usize,
    resolve: R,
}

impl<R: FnMut(&str) -> Result<usize, String>> Parser<'_, R> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.rest().chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn error(&self, wanted: &str) -> String {
        match self.rest().chars().next() {
            Some(c) => format!(
                "expected {wanted} at character {}, found {c:?}",
                self.at + 1
            ),
            None => format!("expected {wanted}, found the end"),
        }
    }

    fn nested<T>(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        if self.depth >= MAX_NESTING {
            return Err(format!(
                "the expression nests deeper than {MAX_NESTING} levels"
            ));
        }
        self.depth += 1;
        let out = inner(self);
        self.depth -= 1;
        out
    }

    /// `product (('+' | '-') product)*`
    fn sum(&mut self) -> Result<Expr, String> {
        self.binary([('+', Op::Add), ('-', Op::Sub)], Self::product)
    }

    /// `factor (('*' | '/') factor)*`
    fn product(&mut self) -> Result<Expr, String> {
        self.binary([('*', Op::Mul), ('/', Op::Div)], Self::factor)
    }

    /// `operand (op operand)*` for one precedence level, left-associative.
    fn binary(
        &mut self,
        ops: [(char, Op); 2],
        operand: fn(&mut Self) -> Result<Expr, String>,
    ) -> Result<Expr, String> {
        let mut left = operand(self)?;
        loop {
            let Some(&(_, op)) = ops.iter().find(|(c, _)| self.eat(*c)) else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(operand(self)?));
        }
    }

    /// A number, a name, `{name}`, `-factor`, `(sum)` or `function(sum, ...)`.
    fn factor(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some('-') => {
                self.at += 1;
                self.nested(|p| Ok(Expr::Neg(Box::new(p.factor()?))))
            }
            Some('(') => {
                self.at += 1;
                let inner = self.nested(Self::sum)?;
                if !self.eat(')') {
                    return Err(self.error("a closing )"));
                }
                Ok(inner)
            }
            Some('{') => {
                self.at += 1;
                let Some(end) = self.rest().find('}') else {
                    return Err("a { opens a field name that no } closes".into());
                };
                let name = self.rest()[..end].trim().to_owned();
                self.at += end + 1;
                if name.is_empty() {
                    return Err("{} names no field".into());
                }
                Ok(Expr::Field((self.resolve)(&name)?, name))
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let len = self
                    .rest()
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(self.rest().len());
                let text = &self.rest()[..len];
                let number =
                    Decimal::parse(text).ok_or_else(|| format!("{text:?} is not a number"))?;
                self.at += len;
                Ok(Expr::Number(number))
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let len = self
                    .rest()
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(self.rest().len());
                let name = self.rest()[..len].to_owned();
                self.at += len;
                if self.peek() == Some('(') {
                    self.at += 1;
                    let function = Function::parse(&name).ok_or_else(|| {
                        format!("unknown function {name:?}: use {}", Function::NAMES)
                    })?;
                    return self.nested(|p| p.call(function, &name));
                }
                Ok(Expr::Field((self.resolve)(&name)?, name))
            }
            _ => Err(self.error("a number, a field name or (")),
        }
    }

    /// A call's arguments, after its `(`.
    fn call(&mut self, function: Function, name: &str) -> Result<Expr, String> {
        let mut args = vec![self.sum()?];
        while self.eat(',') {
            args.push(self.sum()?);
        }
        if !self.eat(')') {
            return Err(self.error("a , or the closing ) of the call"));
        }
        let arity_ok = match function {
            Function::Abs => args.len() == 1,
            Function::Round => match args.get(1) {
                None => true,
                Some(Expr::Number(d)) if args.len() == 2 => {
                    d.scale == 0 && (0..=i128::from(MAX_SCALE)).contains(&d.units)
                }
                Some(_) => {
                    return Err(format!(
                        "round's digits are a whole number from 0 to {MAX_SCALE}: round(x, 2)"
                    ));
                }
            },
            Function::Min | Function::Max => args.len() >= 2,
        };
        if !arity_ok {
            return Err(match function {
                Function::Abs => "abs takes one argument: abs(x)".into(),
                Function::Round => format!(
                    "round takes a value and its digits, a whole number from 0 to {MAX_SCALE}: round(x, 2)"
                ),
                _ => format!("{name} takes two arguments or more: {name}(a, b)"),
            });
        }
        Ok(Expr::Call(function, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 4] = ["quantity", "unit_price", "discount", "unit price"];

    fn expression(source: &str) -> Result<Expression, String> {
        Expression::parse(source, |n| {
            NAMES
                .iter()
                .position(|x| *x == n)
                .ok_or_else(|| format!("no {n}"))
        })
    }

    fn eval(source: &str, values: [&str; 4]) -> Option<String> {
        let e = expression(source).unwrap();
        e.eval(&mut |i, _| Decimal::parse(values[i]))
            .map(|d| d.to_string())
    }

    #[test]
    fn arithmetic_is_exact_decimal() {
        let row = ["3", "19.99", "0.1", "2.5"];
        assert_eq!(eval("quantity * unit_price", row).unwrap(), "59.97");
        assert_eq!(
            eval("quantity*unit_price - discount", row).unwrap(),
            "59.87"
        );
        assert_eq!(eval("(quantity + 1) * {unit price}", row).unwrap(), "10.0");
        assert_eq!(eval("-quantity + 2 * 3", row).unwrap(), "3");
        assert_eq!(eval("quantity / 3", row).unwrap(), "1.000000000000");
        assert_eq!(
            eval("1 / quantity + 0 * discount", row).unwrap(),
            "0.333333333333"
        );
        assert_eq!(eval("round(unit_price * 1.075, 2)", row).unwrap(), "21.49");
        assert_eq!(
            eval("round(0 - unit_price * 1.075, 0)", row).unwrap(),
            "-21"
        );
        assert_eq!(eval("max(0, discount - 1)", row).unwrap(), "0");
        assert_eq!(eval("min(quantity, unit_price, 7)", row).unwrap(), "3");
        assert_eq!(eval("abs(discount - quantity)", row).unwrap(), "2.9");
    }

    #[test]
    fn no_value_where_a_field_has_none_or_a_division_is_by_zero() {
        let e = expression("quantity * unit_price").unwrap();
        assert_eq!(e.eval(&mut |i, _| (i == 0).then(|| Decimal::int(2))), None);
        assert_eq!(
            eval("unit_price / (quantity - 3)", ["3", "1", "0", "0"]),
            None
        );
        let huge = "99999999999999999999999999999999999";
        assert_eq!(
            eval("quantity * unit_price * discount", [huge, huge, huge, "0"]),
            None
        );
    }

    #[test]
    fn decimals_read_json_text() {
        for (text, expected) in [
            ("12", "12"),
            ("-0.075", "-0.075"),
            ("1.5e3", "1500"),
            ("2E-4", "0.0002"),
            ("+7.", "7"),
            (".5", "0.5"),
        ] {
            assert_eq!(
                Decimal::parse(text).unwrap().to_string(),
                expected,
                "{text}"
            );
        }
        assert_eq!(Decimal::parse("0e2000000000"), Some(Decimal::int(0)));
        for bad in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e",
            "abc",
            "1e999999",
            "1e-2000000000",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
        let d = Decimal::parse("59.975").unwrap();
        assert_eq!(d.steps_of(1, 2), Some(5998));
        assert_eq!(d.neg().unwrap().steps_of(1, 2), Some(-5998));
        assert_eq!(d.steps_of(5, 2), Some(1200), "a step of 0.05");
        assert_eq!(Decimal::parse("7").unwrap().steps_of(1, 0), Some(7));
    }

    #[test]
    fn a_bad_expression_says_what_is_wrong() {
        for (source, message) in [
            ("nope * 2", "no nope"),
            (
                "quantity *",
                "expected a number, a field name or (, found the end",
            ),
            ("quantity unit_price", "expected an operator"),
            ("(quantity", "a closing )"),
            ("2 * 3", "names no field"),
            ("sqrt(quantity)", "unknown function \"sqrt\""),
            ("round(quantity, unit_price)", "round's digits"),
            ("round(quantity, 40)", "round takes"),
            ("max(quantity)", "max takes two arguments"),
            ("abs(quantity, 1)", "abs takes one"),
            ("{quantity", "no } closes"),
            ("1.2.3 * quantity", "not a number"),
            ("quantity ^ 2", "expected an operator"),
        ] {
            let error = expression(source).unwrap_err();
            assert!(error.contains(message), "{source}: {error}");
        }
        let deep = format!("{}quantity{}", "(".repeat(100), ")".repeat(100));
        assert!(expression(&deep).unwrap_err().contains("deeper than 64"));
        let negated = format!("{}quantity", "-".repeat(100));
        assert!(expression(&negated).unwrap_err().contains("deeper than 64"));
    }
}
