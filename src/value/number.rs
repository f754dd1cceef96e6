//! Terraform numbers: arbitrary-precision decimals ([`Number`]).
//!
//! cty numbers are big floats; every number Terraform can send us is a finite decimal (it writes
//! integers, exactly representable float64s, or decimal strings), so a decimal is the right
//! model. Infinity and NaN are not representable.
//!
//! Numbers are kept normalised (no trailing zeros in the coefficient), which makes equality
//! structural and numeric at once (`1 == 1.0 == 1e0`). To keep every operation cheap on
//! untrusted input (printing a number writes all its digits, there is never an exponent), a
//! number may have at most [`MAX_SIGNIFICANT_DIGITS`] significant digits and a decimal exponent
//! of magnitude at most [`MAX_EXPONENT`]; larger inputs are rejected by the constructors. Every
//! finite `f64`, `i64` and `u64` fits easily.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::num_traits::ToPrimitive;
use bigdecimal::BigDecimal;

/// Largest number of significant decimal digits a [`Number`] may have.
pub const MAX_SIGNIFICANT_DIGITS: usize = 4096;

/// Largest magnitude of the decimal exponent (the scale of the normalised coefficient) a
/// [`Number`] may have: values are `coefficient × 10^e` with `|e| <= MAX_EXPONENT`.
pub const MAX_EXPONENT: i64 = 4096;

/// Arbitrary-precision decimal number (Terraform numbers are big decimals).
///
/// Equality, ordering and hashing are numeric: `Number::parse("1.0") == Number::from_i64(1)`.
/// [`Display`](fmt::Display) prints the canonical plain decimal form (`1`, `0.1`, `-12.5`,
/// `100000000000000000000000`), never an exponent.
#[derive(Clone, Debug)]
pub struct Number(BigDecimal);

impl Number {
    /// Builds `±digits × 10^exp10` from ASCII decimal digits (leading and trailing zeros allowed),
    /// normalising and enforcing the size limits. `None` when the limits are exceeded or `digits`
    /// holds a non-digit.
    fn from_parts(negative: bool, digits: &[u8], exp10: i64) -> Option<Number> {
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let start = digits.iter().position(|&d| d != b'0');
        let Some(start) = start else {
            return Some(Number::zero());
        };
        let significant = digits.get(start..)?;
        let trailing = significant.iter().rev().take_while(|&&d| d == b'0').count();
        let significant = significant.get(..significant.len() - trailing)?;
        if significant.len() > MAX_SIGNIFICANT_DIGITS {
            return None;
        }
        let exp10 = exp10.checked_add(i64::try_from(trailing).ok()?)?;
        if exp10.unsigned_abs() > MAX_EXPONENT.unsigned_abs() {
            return None;
        }
        let magnitude = BigInt::parse_bytes(significant, 10)?;
        let int = if negative { -magnitude } else { magnitude };
        Some(Number(BigDecimal::new(int, -exp10)))
    }

    fn zero() -> Number {
        Number(BigDecimal::new(BigInt::from(0u8), 0))
    }

    /// The number equal to `n`.
    pub fn from_i64(n: i64) -> Number {
        let text = n.unsigned_abs().to_string();
        Number::from_parts(n < 0, text.as_bytes(), 0).unwrap_or_else(Number::zero)
    }

    /// The number equal to `n`.
    pub fn from_u64(n: u64) -> Number {
        let text = n.to_string();
        Number::from_parts(false, text.as_bytes(), 0).unwrap_or_else(Number::zero)
    }

    /// The shortest decimal that round-trips to `f` (what `{}`/`{:e}` print): `0.1_f64` gives
    /// `0.1`. `None` for NaN and ±infinity, which a [`Number`] cannot represent (cty can hold
    /// infinities, but Terraform never sends them for provider values).
    ///
    /// Use [`Number::from_f64_exact`] for the exact binary value.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        Number::parse(&format!("{f:e}"))
    }

    /// The exact value of the binary float `f` (`0.1_f64` gives
    /// `0.1000000000000000055511151231257827021181583404541015625`); this is how a msgpack
    /// float is decoded, matching cty. `None` for NaN and ±infinity.
    pub fn from_f64_exact(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        let bits = f.to_bits();
        let negative = bits >> 63 == 1;
        let biased = i64::try_from((bits >> 52) & 0x7ff).ok()?;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, exp2) = if biased == 0 {
            (fraction, -1074i64)
        } else {
            (fraction | (1u64 << 52), biased - 1075)
        };
        if mantissa == 0 {
            return Some(Number::zero());
        }
        let m = BigInt::from(mantissa);
        let (digits, exp10) = if exp2 >= 0 {
            (m << u32::try_from(exp2).ok()?, 0)
        } else {
            // m × 2^-k = m × 5^k × 10^-k
            let k = u32::try_from(-exp2).ok()?;
            (m * BigInt::from(5u8).pow(k), exp2)
        };
        Number::from_parts(negative, digits.to_str_radix(10).as_bytes(), exp10)
    }

    /// Parses decimal text: an optional sign, digits with an optional fraction (`5`, `-0.5`,
    /// `.5`, `5.`) and an optional exponent (`1e3`, `2.5E-7`). No surrounding whitespace, no
    /// `inf`/`nan`, no hex. `None` when the text is not such a number or exceeds the size limits
    /// ([`MAX_SIGNIFICANT_DIGITS`], [`MAX_EXPONENT`]).
    pub fn parse(s: &str) -> Option<Number> {
        let bytes = s.as_bytes();
        let (negative, rest) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, bytes),
        };
        let (mantissa, exponent) = match rest.iter().position(|&b| b == b'e' || b == b'E') {
            Some(i) => (rest.get(..i)?, Some(rest.get(i + 1..)?)),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
            Some(i) => (mantissa.get(..i)?, mantissa.get(i + 1..)?),
            None => (mantissa, &[][..]),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
            return None;
        }
        let all_zero = int_part.iter().chain(frac_part).all(|&d| d == b'0');
        let exp: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = match e.split_first() {
                    Some((b'+' | b'-', d)) => d,
                    _ => e,
                };
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                match std::str::from_utf8(e).ok()?.parse::<i64>() {
                    Ok(v) => v,
                    // A huge exponent is fine on zero, out of range for anything else.
                    Err(_) if all_zero => 0,
                    Err(_) => return None,
                }
            }
        };
        if all_zero {
            return Some(Number::zero());
        }
        let mut digits = Vec::with_capacity(int_part.len().saturating_add(frac_part.len()));
        digits.extend_from_slice(int_part);
        digits.extend_from_slice(frac_part);
        let exp10 = exp.checked_sub(i64::try_from(frac_part.len()).ok()?)?;
        Number::from_parts(negative, &digits, exp10)
    }

    /// The value as an `i64` if it is an integer in range, else `None` (no rounding).
    pub fn to_i64(&self) -> Option<i64> {
        self.to_bigint()?.to_i64()
    }

    /// The value as a `u64` if it is a non-negative integer in range, else `None`.
    pub fn to_u64(&self) -> Option<u64> {
        self.to_bigint()?.to_u64()
    }

    /// The nearest `f64` (round half to even); ±infinity when beyond the `f64` range.
    pub fn to_f64(&self) -> f64 {
        let (int, scale) = self.0.as_bigint_and_scale();
        let text = format!("{}e{}", int.to_str_radix(10), -scale);
        text.parse::<f64>().unwrap_or(f64::NAN)
    }

    /// The `f64` equal to this number, if it is exactly representable as one (`0.5`, `2^70`),
    /// else `None` (`0.1`, `2^53 + 1`).
    pub fn exact_f64(&self) -> Option<f64> {
        let f = self.to_f64();
        let back = Number::from_f64_exact(f)?;
        (back == *self).then_some(f)
    }

    /// True when the number has no fractional part.
    pub fn is_integer(&self) -> bool {
        self.0.as_bigint_and_scale().1 <= 0
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.0.sign() == Sign::NoSign
    }

    /// True for numbers below zero.
    pub fn is_negative(&self) -> bool {
        self.0.sign() == Sign::Minus
    }

    /// The exact integer value, if this is an integer small enough to be any machine integer.
    fn to_bigint(&self) -> Option<BigInt> {
        let (int, scale) = self.0.as_bigint_and_scale();
        if scale > 0 {
            return None;
        }
        // |value| >= 10^-scale; u64/i64 have at most 20 digits.
        if scale < -20 {
            return None;
        }
        let zeros = u32::try_from(-scale).ok()?;
        Some(int.into_owned() * BigInt::from(10u8).pow(zeros))
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        // Both sides are normalised, so numeric equality is structural equality.
        self.0.as_bigint_and_scale() == other.0.as_bigint_and_scale()
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (int, scale) = self.0.as_bigint_and_scale();
        int.hash(state);
        scale.hash(state);
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, scale) = self.0.as_bigint_and_scale();
        if int.sign() == Sign::Minus {
            f.write_str("-")?;
        }
        let digits = int.magnitude().to_str_radix(10);
        if scale <= 0 {
            f.write_str(&digits)?;
            for _ in 0..scale.unsigned_abs() {
                f.write_str("0")?;
            }
            return Ok(());
        }
        let frac_len = usize::try_from(scale).map_err(|_| fmt::Error)?;
        if digits.len() > frac_len {
            let (whole, frac) = digits.split_at(digits.len() - frac_len);
            write!(f, "{whole}.{frac}")
        } else {
            f.write_str("0.")?;
            for _ in 0..frac_len - digits.len() {
                f.write_str("0")?;
            }
            f.write_str(&digits)
        }
    }
}

from! {
    i64 => Number: Number::from_i64;
    u64 => Number: Number::from_u64;
    i32 => Number: |n: i32| Number::from_i64(i64::from(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap_or_else(|| panic!("{s:?} should parse"))
    }

    #[test]
    fn display_prints_canonical_plain_decimals() {
        for (input, shown) in [
            ("1", "1"),
            ("1.0", "1"),
            ("1e0", "1"),
            ("0.1", "0.1"),
            ("-12.5", "-12.5"),
            ("1e2", "100"),
            ("100000000000000000000000", "100000000000000000000000"),
            ("1e23", "100000000000000000000000"),
            ("-0", "0"),
            ("0.000", "0"),
            ("0e999999999999999999999999", "0"),
            ("1.5e-3", "0.0015"),
            (".5", "0.5"),
            ("5.", "5"),
            ("+7", "7"),
            ("00012.3400", "12.34"),
            ("123.456e1", "1234.56"),
            ("-1E-2", "-0.01"),
        ] {
            assert_eq!(n(input).to_string(), shown, "{input}");
        }
    }

    #[test]
    fn numbers_compare_numerically_regardless_of_spelling() {
        assert_eq!(n("1"), n("1.0"));
        assert_eq!(n("1.0"), n("1e0"));
        assert_eq!(n("100"), n("1e2"));
        assert_eq!(n("0.5"), Number::from_f64(0.5).unwrap());
        assert_ne!(n("1"), n("1.0000000000000000000001"));
        assert!(n("-1") < n("0.5"));
        assert!(n("1e3") > n("999.999"));
        assert_eq!(n("2").cmp(&n("2.00")), Ordering::Equal);
    }

    #[test]
    fn invalid_or_oversized_text_does_not_parse() {
        for bad in [
            "",
            "-",
            "+",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            "1x",
            " 1",
            "1 ",
            "inf",
            "NaN",
            "0x10",
            "1_000",
            "--1",
            "1e1.5",
            "1e99999999999999999999",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad:?} should not parse");
        }
        assert!(Number::parse("1e4096").is_some());
        assert!(Number::parse("1e4097").is_none());
        assert!(Number::parse("1e-4096").is_some());
        assert!(Number::parse("1e-4097").is_none());
        assert!(Number::parse(&"7".repeat(MAX_SIGNIFICANT_DIGITS)).is_some());
        assert!(Number::parse(&"7".repeat(MAX_SIGNIFICANT_DIGITS + 1)).is_none());
        // Leading and trailing zeros are not significant.
        let padded = format!("{}1{}", "0".repeat(10_000), "0".repeat(100));
        assert_eq!(
            Number::parse(&padded).unwrap().to_string(),
            format!("1{}", "0".repeat(100))
        );
    }

    #[test]
    fn machine_integer_extremes_round_trip() {
        for i in [0, 1, -1, i64::MIN, i64::MAX, i64::MIN + 1] {
            let num = Number::from_i64(i);
            assert_eq!(num.to_i64(), Some(i));
            assert_eq!(num.to_string(), i.to_string());
            assert_eq!(Number::parse(&i.to_string()), Some(num));
        }
        for u in [0, u64::MAX, 1 << 63] {
            let num = Number::from_u64(u);
            assert_eq!(num.to_u64(), Some(u));
            assert_eq!(num.to_string(), u.to_string());
        }
        assert_eq!(Number::from_u64(u64::MAX).to_i64(), None);
        assert_eq!(Number::from_i64(-1).to_u64(), None);
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("1e30").to_i64(), None);
        assert_eq!(n("1e18").to_i64(), Some(1_000_000_000_000_000_000));
        assert_eq!(n("-9223372036854775809").to_i64(), None);
    }

    #[test]
    fn floats_convert_shortest_or_exact() {
        assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(
            Number::from_f64_exact(0.1).unwrap().to_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(Number::from_f64(1e300).unwrap(), n("1e300"));
        assert_eq!(Number::from_f64(-2.5).unwrap().to_string(), "-2.5");
        assert_eq!(Number::from_f64(-0.0).unwrap().to_string(), "0");
        assert!(Number::from_f64(f64::NAN).is_none());
        assert!(Number::from_f64(f64::INFINITY).is_none());
        assert!(Number::from_f64_exact(f64::NEG_INFINITY).is_none());
        let tiny = Number::from_f64_exact(f64::from_bits(1)).unwrap();
        assert_eq!(tiny.to_f64(), f64::from_bits(1));
        let big = Number::from_f64_exact(f64::MAX).unwrap();
        assert_eq!(big.to_f64(), f64::MAX);
        assert!(n("1e400").to_f64().is_infinite());
        assert_eq!(n("0.1").to_f64(), 0.1);
    }

    #[test]
    fn exact_f64_only_accepts_exactly_representable_values() {
        assert_eq!(n("0.5").exact_f64(), Some(0.5));
        assert_eq!(n("1180591620717411303424").exact_f64(), Some(2f64.powi(70)));
        assert_eq!(n("0.1").exact_f64(), None);
        assert_eq!(n("9007199254740993").exact_f64(), None);
        assert_eq!(n("1e400").exact_f64(), None);
    }

    #[test]
    fn equal_numbers_hash_equally() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &Number| {
            let mut s = DefaultHasher::new();
            x.hash(&mut s);
            s.finish()
        };
        assert_eq!(h(&n("1.50")), h(&n("15e-1")));
    }

    mod properties {
        use super::super::super::test_strategies::arb_number;
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn display_is_plain_and_parses_back_to_the_same_number(x in arb_number()) {
                let text = x.to_string();
                prop_assert!(!text.contains(['e', 'E', '+']), "{}", text);
                prop_assert_eq!(Number::parse(&text), Some(x));
            }

            #[test]
            fn finite_floats_convert_without_loss(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
                let shortest = Number::from_f64(f).expect("finite");
                prop_assert_eq!(shortest.to_f64(), f);
                let exact = Number::from_f64_exact(f).expect("finite");
                prop_assert_eq!(exact.to_f64(), f);
                prop_assert_eq!(exact.exact_f64(), Some(f));
            }

            #[test]
            fn machine_integers_convert_without_loss(i in any::<i64>(), u in any::<u64>()) {
                prop_assert_eq!(Number::from_i64(i).to_i64(), Some(i));
                prop_assert_eq!(Number::from_u64(u).to_u64(), Some(u));
                prop_assert_eq!(Number::from_i64(i).to_string(), i.to_string());
                prop_assert_eq!(Number::from_i64(i).cmp(&Number::from_u64(u)), i128::from(i).cmp(&i128::from(u)));
            }
        }
    }
}
