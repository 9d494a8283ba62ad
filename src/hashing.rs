//! `hash()`: CPython 3.11's hash functions, for the keys a set's table is probed with.
//!
//! Numbers hash by their value modulo the Mersenne prime 2^61 - 1, so that equal numbers of
//! different types (`1`, `1.0`, `True`) hash alike (`long_hash`, `_Py_HashDouble`); strings
//! and bytes with SipHash-1-3 over their stored bytes (`pyhash.c`); tuples by combining their
//! items' hashes xxHash-style (`tuplehash`); frozensets by mixing their entries' hashes
//! (`frozenset_hash`); everything else by its address (`_Py_HashPointer`, what
//! `object.__hash__` gives). Strings are hashed with the key CPython uses under
//! `PYTHONHASHSEED=0` (all zero): without it the key is random per process, so
//! `hash('abc')` changes from run to run while the model's does not.

use crate::error::{Error, Result};
use crate::heap::Heap;
use crate::object::{Kind, ObjId, SetEntry};

/// `_PyHASH_BITS`: hashes of numbers are reduced modulo 2^61 - 1.
const HASH_BITS: u32 = 61;
/// `_PyHASH_MODULUS`
pub(crate) const MODULUS: u64 = (1 << HASH_BITS) - 1;
/// `_PyHASH_INF`: `hash(float('inf'))`.
const HASH_INF: i64 = 314_159;

/// -1 is the C API's error value, so no object hashes to it.
fn not_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `long_hash`: |v| modulo 2^61 - 1, with v's sign.
pub(crate) fn long_hash(v: i128) -> i64 {
    let x = (v.unsigned_abs() % u128::from(MODULUS)) as i64;
    not_minus_one(if v < 0 { -x } else { x })
}

/// `frexp`: `v = m * 2^e` with `0.5 <= |m| < 1`, for a finite non-zero `v`.
fn frexp(v: f64) -> (f64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// `_Py_HashDouble`: an integral float hashes as the int, other floats as the rational they
/// are, modulo 2^61 - 1; a NaN by its object's address (3.10+).
fn double_hash(v: f64, addr: u64) -> i64 {
    if !v.is_finite() {
        return if v.is_nan() {
            pointer_hash(addr)
        } else if v > 0.0 {
            HASH_INF
        } else {
            -HASH_INF
        };
    }
    if v == 0.0 {
        return 0;
    }
    let (mut m, mut e) = frexp(v);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    // Process 28 bits of the mantissa at a time.
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (HASH_BITS - 28));
        m *= 268_435_456.0; // 2^28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    // The exponent, reduced modulo HASH_BITS, as a rotation.
    let bits = HASH_BITS as i32;
    let e = if e >= 0 {
        e % bits
    } else {
        bits - 1 - ((-1 - e) % bits)
    } as u32;
    x = ((x << e) & MODULUS) | (x >> (HASH_BITS - e));
    not_minus_one((x as i64).wrapping_mul(sign))
}

/// `_Py_HashPointer`: the address rotated right by 4 bits (its low bits are always zero).
pub(crate) fn pointer_hash(addr: u64) -> i64 {
    not_minus_one(addr.rotate_right(4) as i64)
}

/// SipHash-1-3 (`pyhash.c`'s `siphash13`) of `data` under the key (k0, k1).
fn siphash13(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    fn round(v: &mut [u64; 4]) {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    }
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let m = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
        v[3] ^= m;
        round(&mut v);
        v[0] ^= m;
    }
    let mut last = [0u8; 8];
    let tail = words.remainder();
    last[..tail.len()].copy_from_slice(tail);
    let t = u64::from_le_bytes(last) | ((data.len() as u64) << 56);
    v[3] ^= t;
    round(&mut v);
    v[0] ^= t;
    v[2] ^= 0xff;
    for _ in 0..3 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// `_Py_HashBytes` under `PYTHONHASHSEED=0`: 0 for no bytes.
fn bytes_hash(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    not_minus_one(siphash13(0, 0, data) as i64)
}

/// `unicode_hash`: the hash of the string's stored bytes, one, two or four per character
/// (PEP 393: the narrowest kind that holds its largest character).
pub(crate) fn str_hash(s: &str) -> i64 {
    if s.is_ascii() {
        // One byte per character, as UTF-8 stores it already.
        return bytes_hash(s.as_bytes());
    }
    let widest = s.chars().map(u32::from).max().unwrap_or(0);
    let data: Vec<u8> = if widest < 0x100 {
        s.chars().map(|c| u32::from(c) as u8).collect()
    } else if widest < 0x1_0000 {
        s.chars()
            .flat_map(|c| (u32::from(c) as u16).to_le_bytes())
            .collect()
    } else {
        s.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect()
    };
    bytes_hash(&data)
}

/// `tuplehash` (3.8+): xxHash's combining step over the items' hashes.
fn tuple_hash(hashes: impl ExactSizeIterator<Item = i64>) -> i64 {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let len = hashes.len() as u64;
    let mut acc = P5;
    for lane in hashes {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len ^ (P5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `_shuffle_bits` of `frozenset_hash`: spreads an entry's hash before the xor.
fn shuffle_bits(h: u64) -> u64 {
    ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167)
}

/// `frozenset_hash`: an xor of the shuffled hashes of the members, so it does not depend
/// on their order. (The C xors every slot of the table, empty and dummy ones included,
/// then takes their effect back out: what is left is the members' alone.)
fn frozenset_hash(hashes: &[i64]) -> i64 {
    let mut h: u64 = hashes
        .iter()
        .fold(0, |acc, &e| acc ^ shuffle_bits(e as u64));
    h ^= (hashes.len() as u64 + 1).wrapping_mul(1_927_868_237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h.wrapping_mul(69_069).wrapping_add(907_133_923);
    if h == u64::MAX {
        h = 590_923_713;
    }
    h as i64
}

impl Heap {
    /// `hash(x)`: what a set or dict files `x` under. Lists, dicts and sets (and tuples that
    /// hold one) are unhashable: a `TypeError`.
    pub fn hash_of(&self, x: ObjId) -> Result<i64> {
        let o = self.get(x)?;
        Ok(match &o.kind {
            Kind::Int(v) => long_hash(v.get()),
            Kind::Bool(b) => i64::from(*b),
            Kind::Float(v) => double_hash(*v, o.addr),
            Kind::Str { value, .. } => str_hash(value),
            Kind::Bytes(b) => bytes_hash(b),
            Kind::Tuple(items) => {
                let hashes = items
                    .iter()
                    .map(|i| self.hash_of(*i))
                    .collect::<Result<Vec<_>>>()?;
                tuple_hash(hashes.into_iter())
            }
            // From the hashes its table stored when the members went in (entry->hash).
            Kind::Set {
                frozen: true,
                table,
                ..
            } => {
                let hashes: Vec<i64> = table
                    .iter()
                    .filter(|e| e.item < SetEntry::DUMMY)
                    .map(|e| e.hash)
                    .collect();
                frozenset_hash(&hashes)
            }
            // mappingproxy defines __eq__ and no __hash__.
            Kind::List { .. } | Kind::Dict { .. } | Kind::Set { .. } | Kind::MappingProxy(_) => {
                return Err(Error::Type(format!("unhashable type: '{}'", o.tag.name())))
            }
            // A weak reference hashes as its referent, and only while it is alive.
            Kind::WeakRef { target, .. } => match target {
                Some(t) => self.hash_of(*t)?,
                None => return Err(Error::Type("weak object has gone away".into())),
            },
            _ => pointer_hash(o.addr),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures printed by python3 3.11 under `PYTHONHASHSEED=0`.
    #[test]
    fn hashes_are_cpythons() {
        assert_eq!(str_hash("abc"), -4594863902769663758);
        assert_eq!(str_hash(""), 0);
        assert_eq!(str_hash("é"), 6047309291227476195);
        assert_eq!(str_hash("€"), -5529981157763016009);
        assert_eq!(str_hash("😀"), -3536540696076613844);
        assert_eq!(bytes_hash(b"abc"), -4594863902769663758);
        assert_eq!(str_hash(&"a".repeat(20)), 3291541819775287794);
        assert_eq!(double_hash(1.5, 0), 1152921504606846977);
        assert_eq!(double_hash(-0.1, 0), -230584300921369408);
        assert_eq!(double_hash(1e300, 0), 1224995262755759164);
        assert_eq!(double_hash(f64::INFINITY, 0), 314159);
        assert_eq!(double_hash(5e-324, 0), 16777216);
        assert_eq!(long_hash(1 << 61), 1);
        assert_eq!(long_hash(-1), -2);
        assert_eq!(long_hash(1 << 100), 549755813888);
        assert_eq!(long_hash(-(1 << 70) + 3), -509);
        assert_eq!(tuple_hash([1, 2].into_iter()), -3550055125485641917);
        assert_eq!(tuple_hash([].into_iter()), 5740354900026072187);
        let inner = tuple_hash([2, str_hash("x")].into_iter());
        assert_eq!(tuple_hash([1, inner].into_iter()), 5516895433650806526);
        assert_eq!(frozenset_hash(&[]), 133146708735736);
        assert_eq!(frozenset_hash(&[1, 2, 3]), -272375401224217160);
    }
}
