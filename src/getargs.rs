//! Converting a Python `int` to a C integer, as `Python/getargs.c`'s formats and
//! `Objects/longobject.c`'s `PyLong_As*` functions do it, with their `OverflowError`
//! messages. Which converter a C function uses decides what a reader sees: `array('b', [200])`
//! fails with "signed char is greater than maximum", but `array('b', [2**31])` with "signed
//! short integer is greater than maximum", because `b_setitem` parses a `short` first.

use crate::error::{Error, Result};

fn overflow(msg: &str) -> Error {
    Error::Overflow(msg.into())
}

/// `PyLong_AsLong`.
pub(crate) fn as_long(v: i128) -> Result<i64> {
    i64::try_from(v).map_err(|_| overflow("Python int too large to convert to C long"))
}

/// `PyLong_AsUnsignedLong`.
pub(crate) fn as_unsigned_long(v: i128) -> Result<u64> {
    if v < 0 {
        return Err(overflow("can't convert negative value to unsigned int"));
    }
    u64::try_from(v).map_err(|_| overflow("Python int too large to convert to C unsigned long"))
}

/// `PyLong_AsLongLong` (its overflow comes from `_PyLong_AsByteArray`).
pub(crate) fn as_long_long(v: i128) -> Result<i64> {
    i64::try_from(v).map_err(|_| overflow("int too big to convert"))
}

/// `PyLong_AsUnsignedLongLong`.
pub(crate) fn as_unsigned_long_long(v: i128) -> Result<u64> {
    if v < 0 {
        return Err(overflow("can't convert negative int to unsigned"));
    }
    u64::try_from(v).map_err(|_| overflow("int too big to convert"))
}

/// A `PyLong_AsLong` result checked against a C type's range, as the `PyArg_Parse` formats
/// `b`, `h` and `i` check it, and as some callers check a value they parsed themselves.
pub(crate) fn in_range(v: i128, lo: i128, hi: i128, ctype: &str) -> Result<i64> {
    let x = as_long(v)?;
    if i128::from(x) < lo {
        return Err(Error::Overflow(format!("{ctype} is less than minimum")));
    }
    if i128::from(x) > hi {
        return Err(Error::Overflow(format!("{ctype} is greater than maximum")));
    }
    Ok(x)
}

/// Format `b`: an unsigned char.
pub(crate) fn parse_b(v: i128) -> Result<i64> {
    in_range(v, 0, 255, "unsigned byte integer")
}

/// Format `h`: a short.
pub(crate) fn parse_h(v: i128) -> Result<i64> {
    in_range(v, i16::MIN.into(), i16::MAX.into(), "signed short integer")
}

/// Format `i`: an int.
pub(crate) fn parse_i(v: i128) -> Result<i64> {
    in_range(v, i32::MIN.into(), i32::MAX.into(), "signed integer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.expect_err("an overflow").to_string()
    }

    // The messages are python3.11's for the same conversions (`gc.set_threshold(2**31)`
    // parses an `i`; `array('Q', [-1])` calls PyLong_AsUnsignedLongLong).
    #[test]
    fn each_converter_has_cpythons_message() {
        assert_eq!(
            msg(parse_i(1 << 31)),
            "OverflowError: signed integer is greater than maximum"
        );
        assert_eq!(
            msg(parse_i(1 << 70)),
            "OverflowError: Python int too large to convert to C long"
        );
        assert_eq!(
            msg(parse_b(-1)),
            "OverflowError: unsigned byte integer is less than minimum"
        );
        assert_eq!(
            msg(parse_h(-(1 << 20))),
            "OverflowError: signed short integer is less than minimum"
        );
        assert_eq!(
            msg(as_unsigned_long(-1)),
            "OverflowError: can't convert negative value to unsigned int"
        );
        assert_eq!(
            msg(as_unsigned_long(1 << 70)),
            "OverflowError: Python int too large to convert to C unsigned long"
        );
        assert_eq!(
            msg(as_unsigned_long_long(-1)),
            "OverflowError: can't convert negative int to unsigned"
        );
        assert_eq!(
            msg(as_long_long(1 << 70)),
            "OverflowError: int too big to convert"
        );
        assert_eq!(parse_i(-1).ok(), Some(-1));
        assert_eq!(as_unsigned_long_long(u64::MAX.into()).ok(), Some(u64::MAX));
    }
}
