//! Arbitrary-precision integer arithmetic for Python `int` (the counterpart of `py/mpz.c`):
//! the runtime's `int` type and the compiler's constant folding (`compile/bigint.rs`) share
//! it, so it lives here, below the runtime (which re-exports it as `upy_runtime::mpz`).
//!
//! Nothing here allocates: every big int's digits live in the GC heap, so running out of memory
//! must surface as a catchable `MemoryError` in the caller. Each operation reads borrowed digit
//! slices and writes into caller-provided output (and, where an algorithm needs it, scratch)
//! slices; a `*_len` function beside each operation gives the number of digits to allocate.
//!
//! Representation: a magnitude is a `&[u32]` of little-endian base-2^32 digits, normalised (no
//! high zero digits, zero is the empty slice); a signed value is [`Int`] (sign flag plus
//! magnitude; zero is never negative). Inputs that are not normalised are trimmed on entry.
//! Results are written to the start of the output slice and described by a [`Written`].
//!
//! Semantics follow Python: floor division and modulo take the divisor's sign, right shifts of
//! negatives floor, bitwise operations act on infinite two's complement, float conversions round
//! half to even. Where MicroPython differs from CPython (pow with three arguments and a negative
//! exponent) upstream's behaviour is mirrored and said so. Left out: gcd, isqrt, and
//! sub-quadratic division and base conversion.
//!
//! A caller computing `a * b` for heap ints does, in outline:
//! `out = gc_alloc(mul_len(a.len(), b.len()))?`, `tmp = mul_scratch_len(..)` digits (stack or
//! heap), `w = mul(Int::new(a_neg, a), Int::new(b_neg, b), out, tmp)?`, then keeps
//! `out[..w.len]` with sign `w.neg` (shrinking or freeing the unused tail), or turns it into a
//! small int when it fits (`to_i64`). Small-int operands come in through [`from_i64`].

use core::cmp::Ordering;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering::Relaxed};

/// Bits per digit.
pub const DIGIT_BITS: u32 = 32;

/// Below this many digits in the shorter operand, schoolbook multiplication beats Karatsuba
/// (measured on x86-64: 32 digits take 0.72us either way, 64 digits 3.1us vs 2.5us).
const KARATSUBA_THRESHOLD: usize = 32;

/// As [`KARATSUBA_THRESHOLD`] for squaring, whose schoolbook form does half the products.
/// Must not be below it: the scratch bound assumes Karatsuba squaring recurses no deeper.
const KARATSUBA_SQR_THRESHOLD: usize = 64;

/// Without the feature every product is schoolbook (as upstream's mpz) and the optimizer drops
/// the Karatsuba code.
const KARATSUBA: bool = cfg!(feature = "karatsuba");

const DIGIT_CHARS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A signed big integer borrowed from somewhere else (usually a GC heap object).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int<'a> {
    pub neg: bool,
    pub mag: &'a [u32],
}

impl<'a> Int<'a> {
    pub const ZERO: Int<'static> = Int {
        neg: false,
        mag: &[],
    };

    /// Builds a value, trimming high zero digits and clearing the sign of zero.
    pub fn new(neg: bool, mag: &'a [u32]) -> Self {
        let mag = trim(mag);
        Int {
            neg: neg && !mag.is_empty(),
            mag,
        }
    }

    pub fn is_zero(self) -> bool {
        trim(self.mag).is_empty()
    }

    fn norm(self) -> Self {
        Int::new(self.neg, self.mag)
    }
}

/// Where a result went: its sign and how many digits at the start of the output slice it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    pub neg: bool,
    pub len: usize,
}

impl Written {
    const ZERO: Written = Written { neg: false, len: 0 };

    /// The result as an [`Int`] borrowing the output slice it was written to.
    pub fn int(self, out: &[u32]) -> Int<'_> {
        Int::new(self.neg, out.get(..self.len).unwrap_or(&[]))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The output slice is shorter than the matching `*_len` function asked for.
    OutputTooSmall,
    /// The scratch slice is shorter than the matching `*_scratch_len` function asked for.
    ScratchTooSmall,
    ZeroDivision,
    /// A float result is too large to represent.
    Overflow,
    /// A character that is not a digit of the base (or `_`), or no digits at all.
    InvalidDigit,
    /// A base outside 2..=36.
    InvalidBase,
    /// Ctrl-C arrived during a long operation (power, division, conversion to text); the
    /// caller raises the pending KeyboardInterrupt. Outputs are left unspecified.
    Interrupted,
}

pub type Result<T> = core::result::Result<T, Error>;

/// The interpreter's "Ctrl-C pending" flag, once it has named it ([`set_interrupt_flag`]);
/// null in the compiler alone (folding constants is bounded without it).
static INTERRUPT_FLAG: AtomicPtr<AtomicBool> = AtomicPtr::new(core::ptr::null_mut());

/// Names the flag long operations poll, so a program stuck in `3 ** 10 ** 9` can still be
/// interrupted, as a Python loop can (the runtime sets its pending-KeyboardInterrupt flag).
pub fn set_interrupt_flag(flag: &'static AtomicBool) {
    INTERRUPT_FLAG.store(flag as *const AtomicBool as *mut AtomicBool, Relaxed);
}

/// The one place this module looks outside itself (see [`set_interrupt_flag`]).
fn interrupted() -> Result<()> {
    // SAFETY: the pointer is null or was made from a `&'static AtomicBool`.
    match unsafe { INTERRUPT_FLAG.load(Relaxed).as_ref() } {
        Some(f) if f.load(Relaxed) => Err(Error::Interrupted),
        _ => Ok(()),
    }
}

fn trim(a: &[u32]) -> &[u32] {
    match a.iter().rposition(|&d| d != 0) {
        Some(i) => a.get(..=i).unwrap_or(a),
        None => &[],
    }
}

fn trimmed_len(a: &[u32]) -> usize {
    trim(a).len()
}

fn written(out: &[u32], len: usize, neg: bool) -> Written {
    let len = trimmed_len(out.get(..len).unwrap_or(out));
    Written {
        neg: neg && len > 0,
        len,
    }
}

fn need(have: usize, want: usize, err: Error) -> Result<()> {
    if have < want {
        Err(err)
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Magnitude primitives. They tolerate unnormalised inputs; callers check the output sizes.

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    let (a, b) = (trim(a), trim(b));
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// out[..max+1] = a + b; returns the digits written (not trimmed).
fn add_mag(a: &[u32], b: &[u32], out: &mut [u32]) -> usize {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let (lo, hi) = a.split_at(b.len());
    let mut o = out.iter_mut();
    let mut carry = 0u64;
    for ((&x, &y), d) in lo.iter().zip(b).zip(&mut o) {
        let s = x as u64 + y as u64 + carry;
        *d = s as u32;
        carry = s >> 32;
    }
    for (&x, d) in hi.iter().zip(&mut o) {
        let s = x as u64 + carry;
        *d = s as u32;
        carry = s >> 32;
    }
    if let Some(d) = o.next() {
        *d = carry as u32;
    }
    a.len() + 1
}

/// out[..a.len()] = a - b, requiring a >= b; returns a.len().
fn sub_mag(a: &[u32], b: &[u32], out: &mut [u32]) -> usize {
    let b = trim(b);
    let split = b.len().min(a.len());
    let (lo, hi) = a.split_at(split);
    let mut o = out.iter_mut();
    let mut borrow = false;
    for ((&x, &y), d) in lo.iter().zip(b).zip(&mut o) {
        let (t, b1) = x.overflowing_sub(y);
        let (t, b2) = t.overflowing_sub(borrow as u32);
        *d = t;
        borrow = b1 | b2;
    }
    for (&x, d) in hi.iter().zip(&mut o) {
        let (t, b1) = x.overflowing_sub(borrow as u32);
        *d = t;
        borrow = b1;
    }
    a.len()
}

/// acc += b, carrying through all of acc; returns the carry out of acc.
fn add_assign_mag(acc: &mut [u32], b: &[u32]) -> bool {
    // b leads the zip: when it runs out, zip must not have pulled (and lost) a digit of acc.
    let mut carry = 0u64;
    let mut it = acc.iter_mut();
    for (&y, d) in b.iter().zip(&mut it) {
        let s = *d as u64 + y as u64 + carry;
        *d = s as u32;
        carry = s >> 32;
    }
    for d in it {
        if carry == 0 {
            break;
        }
        let s = *d as u64 + carry;
        *d = s as u32;
        carry = s >> 32;
    }
    carry != 0
}

/// acc -= b, borrowing through all of acc; returns the borrow out of acc.
fn sub_assign_mag(acc: &mut [u32], b: &[u32]) -> bool {
    let mut borrow = false;
    let mut it = acc.iter_mut();
    for (&y, d) in b.iter().zip(&mut it) {
        let (t, b1) = d.overflowing_sub(y);
        let (t, b2) = t.overflowing_sub(borrow as u32);
        *d = t;
        borrow = b1 | b2;
    }
    for d in it {
        if !borrow {
            break;
        }
        let (t, b1) = d.overflowing_sub(1);
        *d = t;
        borrow = b1;
    }
    borrow
}

/// buf[..len] += 1, growing into buf[len] on carry; returns the new length.
fn inc_mag(buf: &mut [u32], len: usize) -> Result<usize> {
    for (i, d) in buf.iter_mut().enumerate() {
        if i >= len {
            *d = 1;
            return Ok(len + 1);
        }
        let (t, c) = d.overflowing_add(1);
        *d = t;
        if !c {
            return Ok(len);
        }
    }
    Err(Error::OutputTooSmall)
}

/// w[..len] = w[..len] * m + add, growing into w[len] on carry; returns the new length.
fn mul_add_dig(w: &mut [u32], len: usize, m: u32, add: u32) -> Result<usize> {
    let mut carry = add as u64;
    for d in w.iter_mut().take(len) {
        let t = *d as u64 * m as u64 + carry;
        *d = t as u32;
        carry = t >> 32;
    }
    if carry == 0 {
        return Ok(len);
    }
    match w.get_mut(len) {
        Some(d) => {
            *d = carry as u32;
            Ok(len + 1)
        }
        None => Err(Error::OutputTooSmall),
    }
}

/// w = w / d in place; returns the remainder.
fn div_dig_inplace(w: &mut [u32], d: u32) -> u32 {
    let d = d as u64;
    let mut rem = 0u64;
    for x in w.iter_mut().rev() {
        let cur = (rem << 32) | *x as u64;
        *x = (cur / d) as u32;
        rem = cur % d;
    }
    rem as u32
}

/// As [`div_dig_inplace`] with a constant divisor, so the division becomes a multiplication.
fn div_const_inplace<const D: u64>(w: &mut [u32]) -> u32 {
    let mut rem = 0u64;
    for x in w.iter_mut().rev() {
        let cur = (rem << 32) | *x as u64;
        *x = (cur / D) as u32;
        rem = cur % D;
    }
    rem as u32
}

/// out[..a.len() + 1] = a << bits (bits < 32); returns a.len() + 1.
fn shl_bits(a: &[u32], bits: u32, out: &mut [u32]) -> usize {
    let mut carry = 0u32;
    let mut o = out.iter_mut();
    for (&x, d) in a.iter().zip(&mut o) {
        *d = if bits == 0 { x } else { (x << bits) | carry };
        carry = if bits == 0 { 0 } else { x >> (32 - bits) };
    }
    if let Some(d) = o.next() {
        *d = carry;
    }
    a.len() + 1
}

/// w >>= bits (bits < 32) in place.
fn shr_bits_inplace(w: &mut [u32], bits: u32) {
    if bits == 0 {
        return;
    }
    let mut carry = 0u32;
    for x in w.iter_mut().rev() {
        let v = *x;
        *x = (v >> bits) | carry;
        carry = v << (32 - bits);
    }
}

fn bit_len_mag(a: &[u32]) -> u64 {
    let a = trim(a);
    match a.last() {
        Some(&top) => (a.len() as u64 - 1) * 32 + (32 - top.leading_zeros()) as u64,
        None => 0,
    }
}

/// The 64 bits of `a` starting at bit `pos` (zeros beyond the top).
fn bits_at(a: &[u32], pos: u64) -> u64 {
    let idx = (pos / 32) as usize;
    let sh = (pos % 32) as u32;
    let mut w = 0u128;
    for k in 0..3 {
        let d = idx
            .checked_add(k)
            .and_then(|i| a.get(i))
            .copied()
            .unwrap_or(0);
        w |= (d as u128) << (32 * k);
    }
    (w >> sh) as u64
}

/// The 64 bits of `a` from bit `pos` up, the lowest also set when any bit below `pos` is (a
/// sticky bit: converted to a float it rounds as the whole value would).
pub fn top_bits(a: &[u32], pos: u64) -> u64 {
    bits_at(a, pos) | any_bits_below(a, pos) as u64
}

/// Whether any bit of `a` below bit `pos` is set.
fn any_bits_below(a: &[u32], pos: u64) -> bool {
    let idx = (pos / 32) as usize;
    let sh = (pos % 32) as u32;
    let whole = a.get(..idx).unwrap_or(a);
    if whole.iter().any(|&d| d != 0) {
        return true;
    }
    match a.get(idx) {
        Some(&d) if sh > 0 => d & ((1u32 << sh) - 1) != 0,
        _ => false,
    }
}

fn mag_to_u64(a: &[u32]) -> Option<u64> {
    match *trim(a) {
        [] => Some(0),
        [lo] => Some(lo as u64),
        [lo, hi] => Some(((hi as u64) << 32) | lo as u64),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Multiplication

/// out[..a.len() + b.len()] = a * b by the schoolbook method.
fn mul_school(a: &[u32], b: &[u32], out: &mut [u32]) {
    // The shorter operand drives the outer loop so the inner loop runs long.
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let n = a.len() + b.len();
    let out = match out.get_mut(..n) {
        Some(o) => o,
        None => return,
    };
    out.fill(0);
    for (i, &y) in b.iter().enumerate() {
        if y == 0 {
            continue;
        }
        mul_add_row(out.get_mut(i..).unwrap_or_default(), a, y);
    }
}

/// row[..a.len() + 1] += a * y, where row[a.len()] is still zero (no earlier row of a
/// schoolbook product reaches it), so the final carry is stored, not added.
#[inline(always)]
fn mul_add_row(row: &mut [u32], a: &[u32], y: u32) {
    let mut it = row.iter_mut();
    let mut carry = 0u64;
    for (&x, d) in a.iter().zip(&mut it) {
        let t = x as u64 * y as u64 + *d as u64 + carry;
        *d = t as u32;
        carry = t >> 32;
    }
    if let Some(d) = it.next() {
        *d = carry as u32;
    }
}

/// out[..2 a.len()] = a * a: each cross product once, doubled, plus the squares.
fn sqr_school(a: &[u32], out: &mut [u32]) {
    let n = a.len();
    let out = match out.get_mut(..2 * n) {
        Some(o) => o,
        None => return,
    };
    out.fill(0);
    for (i, &y) in a.iter().enumerate() {
        let rest = a.get(i + 1..).unwrap_or_default();
        if y == 0 || rest.is_empty() {
            continue;
        }
        // Row i ends at digit i + n, which earlier rows do not reach.
        mul_add_row(out.get_mut(2 * i + 1..).unwrap_or_default(), rest, y);
    }
    let mut top = 0u32;
    for d in out.iter_mut() {
        let v = *d;
        *d = (v << 1) | top;
        top = v >> 31;
    }
    let mut carry = 0u64;
    for (pair, &x) in out.chunks_exact_mut(2).zip(a) {
        let sq = x as u64 * x as u64;
        if let [lo, hi] = pair {
            let s = *lo as u64 + (sq & 0xffff_ffff) + carry;
            *lo = s as u32;
            let s = *hi as u64 + (sq >> 32) + (s >> 32);
            *hi = s as u32;
            carry = s >> 32;
        }
    }
}

fn sqr_balanced(a: &[u32], out: &mut [u32], scratch: &mut [u32]) {
    if a.len() < KARATSUBA_SQR_THRESHOLD || scratch.len() < karatsuba_scratch(a.len()) {
        sqr_school(a, out);
    } else {
        karatsuba_sqr(a, out, scratch);
    }
}

/// out[..2n] = a * a by Karatsuba, laid out as [`karatsuba`] with a == b.
fn karatsuba_sqr(a: &[u32], out: &mut [u32], scratch: &mut [u32]) {
    let n = a.len();
    let m = n / 2;
    let k = n - m + 1;
    if out.len() < 2 * n || scratch.len() < 4 * k {
        sqr_school(a, out);
        return;
    }
    let (a0, a1) = a.split_at(m);
    let (sa, rest) = scratch.split_at_mut(2 * k);
    let (z1, rest) = rest.split_at_mut(2 * k);
    let sa = sa.get_mut(..k).unwrap_or_default();
    {
        let (lo, hi) = out.split_at_mut(2 * m);
        sqr_balanced(a0, lo, rest);
        sqr_balanced(a1, hi, rest);
    }
    add_mag(a1, a0, sa);
    sqr_balanced(sa, z1, rest);
    sub_assign_mag(z1, out.get(..2 * m).unwrap_or_default());
    sub_assign_mag(z1, out.get(2 * m..2 * n).unwrap_or_default());
    let dst = out.get_mut(m..2 * n).unwrap_or_default();
    add_assign_mag(dst, trim(z1));
}

fn karatsuba_scratch(n: usize) -> usize {
    let mut total = 0usize;
    let mut n = n;
    while n >= KARATSUBA_THRESHOLD {
        let k = n - n / 2 + 1;
        total = total.saturating_add(4 * k);
        n = k;
    }
    total
}

/// Scratch digits `mul_mag` uses for operands of these lengths (order irrelevant).
fn mul_scratch_need(la: usize, lb: usize) -> usize {
    let (la, lb) = if la >= lb { (la, lb) } else { (lb, la) };
    if !KARATSUBA || lb < KARATSUBA_THRESHOLD {
        return 0;
    }
    if la == lb {
        return karatsuba_scratch(lb);
    }
    // Unbalanced operands are cut into chunks of the shorter length, which may leave a shorter
    // tail multiplied the same way: a Euclid-like descent, so the recursion stays shallow.
    let tail = mul_scratch_need(lb, la % lb);
    (2 * lb).saturating_add(karatsuba_scratch(lb).max(tail))
}

/// out[..a.len() + b.len()] = a * b, Karatsuba above the threshold when scratch allows.
fn mul_mag(a: &[u32], b: &[u32], out: &mut [u32], scratch: &mut [u32]) {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let (la, lb) = (a.len(), b.len());
    // Without Karatsuba squares go the schoolbook way too, as upstream's (less code).
    if KARATSUBA && core::ptr::eq(a, b) && la < KARATSUBA_SQR_THRESHOLD {
        sqr_school(a, out);
        return;
    }
    if !KARATSUBA || lb < KARATSUBA_THRESHOLD || scratch.len() < mul_scratch_need(la, lb) {
        mul_school(a, b, out);
        return;
    }
    if la == lb {
        if core::ptr::eq(a, b) {
            sqr_balanced(a, out, scratch);
        } else {
            karatsuba(a, b, out, scratch);
        }
        return;
    }
    let out = match out.get_mut(..la + lb) {
        Some(o) => o,
        None => return,
    };
    out.fill(0);
    let (tmp, rest) = scratch.split_at_mut(2 * lb);
    for (ci, chunk) in a.chunks(lb).enumerate() {
        let plen = chunk.len() + lb;
        mul_mag(b, chunk, tmp, rest);
        let dst = out.get_mut(ci * lb..).unwrap_or_default();
        add_assign_mag(dst, tmp.get(..plen).unwrap_or_default());
    }
}

/// Balanced multiply: a and b have the same length; falls back to schoolbook when short.
fn mul_balanced(a: &[u32], b: &[u32], out: &mut [u32], scratch: &mut [u32]) {
    if a.len() < KARATSUBA_THRESHOLD || scratch.len() < karatsuba_scratch(a.len()) {
        mul_school(a, b, out);
    } else {
        karatsuba(a, b, out, scratch);
    }
}

/// out[..2n] = a * b for a.len() == b.len() == n, needing `karatsuba_scratch(n)` scratch.
fn karatsuba(a: &[u32], b: &[u32], out: &mut [u32], scratch: &mut [u32]) {
    let n = a.len();
    let m = n / 2;
    let k = n - m + 1;
    if b.len() != n || out.len() < 2 * n || scratch.len() < 4 * k {
        mul_school(a, b, out);
        return;
    }
    let (a0, a1) = a.split_at(m);
    let (b0, b1) = b.split_at(m);
    let (sums, rest) = scratch.split_at_mut(2 * k);
    let (z1, rest) = rest.split_at_mut(2 * k);
    let (sa, sb) = sums.split_at_mut(k);
    {
        let (lo, hi) = out.split_at_mut(2 * m);
        mul_balanced(a0, b0, lo, rest);
        mul_balanced(a1, b1, hi, rest);
    }
    add_mag(a1, a0, sa);
    add_mag(b1, b0, sb);
    mul_balanced(sa, sb, z1, rest);
    // z1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0, never negative.
    sub_assign_mag(z1, out.get(..2 * m).unwrap_or_default());
    sub_assign_mag(z1, out.get(2 * m..2 * n).unwrap_or_default());
    let dst = out.get_mut(m..2 * n).unwrap_or_default();
    add_assign_mag(dst, trim(z1));
}

// ---------------------------------------------------------------------------------------------
// Division

/// Divides magnitudes: quotient digits go to q[..qlen], the remainder to scratch[..rlen].
/// Needs q.len() >= divmod_quo_len and scratch.len() >= divmod_scratch_len; v nonzero.
fn divmod_mag(u: &[u32], v: &[u32], q: &mut [u32], scratch: &mut [u32]) -> Result<(usize, usize)> {
    let (u, v) = (trim(u), trim(v));
    let (la, lb) = (u.len(), v.len());
    need(
        scratch.len(),
        divmod_scratch_len(la, lb),
        Error::ScratchTooSmall,
    )?;
    if lb == 0 {
        return Err(Error::ZeroDivision);
    }
    if cmp_mag(u, v) == Ordering::Less {
        if let Some(dst) = scratch.get_mut(..la) {
            dst.copy_from_slice(u);
        }
        return Ok((0, la));
    }
    let qlen = la - lb + 1;
    need(q.len(), qlen, Error::OutputTooSmall)?;
    if let [d] = *v {
        let q = q.get_mut(..la).unwrap_or_default();
        q.copy_from_slice(u);
        let r = if d == 1_000_000_000 {
            div_const_inplace::<1_000_000_000>(q)
        } else {
            div_dig_inplace(q, d)
        };
        if let Some(s) = scratch.first_mut() {
            *s = r;
        }
        return Ok((la, (r != 0) as usize));
    }

    // Knuth's algorithm D: normalise so the divisor's top bit is set, which keeps each
    // estimated quotient digit at most two too large.
    let s = v.last().map_or(0, |t| t.leading_zeros());
    let (un, rest) = scratch.split_at_mut(la + 1);
    let vn = rest.get_mut(..lb).unwrap_or_default();
    shl_bits(v, s, vn);
    shl_bits(u, s, un);
    let (vtop, vsec) = match *vn {
        [.., sec, top] => (top as u64, sec as u64),
        _ => return Err(Error::ZeroDivision),
    };
    for j in (0..qlen).rev() {
        // Each step costs O(len(v)): poll for Ctrl-C now and then, not every digit.
        if j % 256 == 0 {
            interrupted()?;
        }
        let win = match un.get_mut(j..=j + lb) {
            Some(w) => w,
            None => return Err(Error::ScratchTooSmall),
        };
        let (qhat, win_top) = {
            let (top, body) = match win.split_last_mut() {
                Some(x) => x,
                None => return Err(Error::ScratchTooSmall),
            };
            let (next, third) = match *body {
                [.., t, n] => (n as u64, t as u64),
                _ => return Err(Error::ScratchTooSmall),
            };
            let num = ((*top as u64) << 32) | next;
            let mut qhat = num / vtop;
            let mut rhat = num % vtop;
            while qhat > u32::MAX as u64 || qhat * vsec > ((rhat << 32) | third) {
                qhat -= 1;
                rhat += vtop;
                if rhat > u32::MAX as u64 {
                    break;
                }
            }
            // Multiply and subtract qhat * vn from the window.
            let mut carry = 0u64;
            let mut borrow = false;
            for (w, &d) in body.iter_mut().zip(vn.iter()) {
                let p = qhat * d as u64 + carry;
                carry = p >> 32;
                let (t, b1) = w.overflowing_sub(p as u32);
                let (t, b2) = t.overflowing_sub(borrow as u32);
                *w = t;
                borrow = b1 | b2;
            }
            let (t, b1) = top.overflowing_sub(carry as u32);
            let (t, b2) = t.overflowing_sub(borrow as u32);
            *top = t;
            (qhat, b1 | b2)
        };
        let mut qhat = qhat;
        if win_top {
            // The estimate was one too large (rare): add the divisor back.
            qhat -= 1;
            let (body, top) = win.split_at_mut(lb);
            let c = add_assign_mag(body, vn);
            if let Some(t) = top.first_mut() {
                *t = t.wrapping_add(c as u32);
            }
        }
        if let Some(d) = q.get_mut(j) {
            *d = qhat as u32;
        }
    }
    let rem = un.get_mut(..lb).unwrap_or_default();
    shr_bits_inplace(rem, s);
    Ok((qlen, trimmed_len(rem)))
}

/// Digits for the quotient output of [`divmod`] and [`floordiv`].
pub fn divmod_quo_len(la: usize, lb: usize) -> usize {
    // One more than the plain quotient: flooring a negative quotient adds one to its magnitude.
    la.saturating_sub(lb) + 2
}

/// Digits for the remainder output of [`divmod`] and [`modulo`].
pub fn divmod_rem_len(_la: usize, lb: usize) -> usize {
    lb
}

/// Scratch digits for [`divmod`] and [`floordiv`]: a shifted copy of both operands.
pub fn divmod_scratch_len(la: usize, lb: usize) -> usize {
    la + lb + 1
}

/// Scratch digits for [`modulo`], which also keeps the quotient there.
pub fn modulo_scratch_len(la: usize, lb: usize) -> usize {
    divmod_scratch_len(la, lb) + divmod_quo_len(la, lb)
}

fn divmod_signed(
    a: Int,
    b: Int,
    quo: &mut [u32],
    rem: Option<&mut [u32]>,
    scratch: &mut [u32],
) -> Result<(Written, Written)> {
    let (a, b) = (a.norm(), b.norm());
    if b.is_zero() {
        return Err(Error::ZeroDivision);
    }
    let (la, lb) = (a.mag.len(), b.mag.len());
    need(quo.len(), divmod_quo_len(la, lb), Error::OutputTooSmall)?;
    let (qlen, rlen) = divmod_mag(a.mag, b.mag, quo, scratch)?;
    let r = scratch.get(..rlen).unwrap_or_default();
    let mut qlen = trimmed_len(quo.get(..qlen).unwrap_or_default());
    let qneg = a.neg != b.neg;
    let mut rw = Written {
        neg: b.neg,
        len: rlen,
    };
    if qneg && rlen > 0 {
        // Floor toward negative infinity: q = -(|q| + 1), r = |b| - |r| with the sign of b.
        qlen = inc_mag(quo, qlen)?;
        if let Some(rem) = rem {
            need(rem.len(), lb, Error::OutputTooSmall)?;
            let n = sub_mag(b.mag, r, rem);
            rw = written(rem, n, b.neg);
        }
    } else if let Some(rem) = rem {
        need(rem.len(), rlen, Error::OutputTooSmall)?;
        if let Some(dst) = rem.get_mut(..rlen) {
            dst.copy_from_slice(r);
        }
        rw = written(rem, rlen, b.neg);
    }
    Ok((written(quo, qlen, qneg), rw))
}

/// Python's `divmod(a, b)`: quotient floored, remainder with the sign of `b`.
/// Sizes: `divmod_quo_len`, `divmod_rem_len`, `divmod_scratch_len`.
pub fn divmod(
    a: Int,
    b: Int,
    quo: &mut [u32],
    rem: &mut [u32],
    scratch: &mut [u32],
) -> Result<(Written, Written)> {
    divmod_signed(a, b, quo, Some(rem), scratch)
}

/// Python's `a // b`. Sizes: `divmod_quo_len`, `divmod_scratch_len`.
pub fn floordiv(a: Int, b: Int, quo: &mut [u32], scratch: &mut [u32]) -> Result<Written> {
    Ok(divmod_signed(a, b, quo, None, scratch)?.0)
}

/// Python's `a % b`. Sizes: `divmod_rem_len`, `modulo_scratch_len`.
pub fn modulo(a: Int, b: Int, rem: &mut [u32], scratch: &mut [u32]) -> Result<Written> {
    let qn = divmod_quo_len(a.norm().mag.len(), b.norm().mag.len());
    need(scratch.len(), qn, Error::ScratchTooSmall)?;
    let (quo, rest) = scratch.split_at_mut(qn);
    Ok(divmod_signed(a, b, quo, Some(rem), rest)?.1)
}

/// Scratch digits for [`truediv`].
pub fn truediv_scratch_len(_la: usize, lb: usize) -> usize {
    let lx = lb + 3;
    lx + divmod_scratch_len(lx, lb)
}

/// Python's `a / b` for big ints, correctly rounded (half to even), like CPython. A zero
/// result carries the sign of the quotient (`0 / -5 == -0.0`). Errors: `ZeroDivision`, and
/// `Overflow` when the quotient is too large for a float.
pub fn truediv(a: Int, b: Int, scratch: &mut [u32]) -> Result<f64> {
    let (a, b) = (a.norm(), b.norm());
    if b.is_zero() {
        return Err(Error::ZeroDivision);
    }
    let sign = if a.neg != b.neg { -1.0 } else { 1.0 };
    let (na, nb) = (bit_len_mag(a.mag), bit_len_mag(b.mag));
    if na <= 53 && nb <= 53 {
        // Both exact as floats, so one IEEE division rounds correctly.
        let fa = mag_to_u64(a.mag).unwrap_or(0) as f64;
        let fb = mag_to_u64(b.mag).unwrap_or(1) as f64;
        return Ok(sign * (fa / fb));
    }
    if a.is_zero() {
        return Ok(sign * 0.0);
    }
    // a / b lies in [2^(diff-1), 2^(diff+1)).
    let diff = na as i64 - nb as i64;
    if diff >= 1025 {
        return Err(Error::Overflow);
    }
    if diff <= -1076 {
        return Ok(sign * 0.0);
    }
    // Scale so the integer quotient has 55 or 56 bits: enough for 53 plus a rounding bit,
    // with everything lower folded into a sticky flag.
    let s = 55 - diff;
    let lx = b.mag.len() + 3;
    need(
        scratch.len(),
        truediv_scratch_len(a.mag.len(), b.mag.len()),
        Error::ScratchTooSmall,
    )?;
    let (x, rest) = scratch.split_at_mut(lx);
    x.fill(0);
    let mut sticky = false;
    if s >= 0 {
        let (dig, bits) = ((s / 32) as usize, (s % 32) as u32);
        let dst = x.get_mut(dig..).unwrap_or_default();
        need(dst.len(), a.mag.len() + 1, Error::ScratchTooSmall)?;
        shl_bits(a.mag, bits, dst);
    } else {
        let sh = (-s) as u64;
        sticky = any_bits_below(a.mag, sh);
        let (dig, bits) = ((sh / 32) as usize, (sh % 32) as u32);
        let src = a.mag.get(dig..).unwrap_or_default();
        let n = src.len().min(lx);
        if let (Some(d), Some(s)) = (x.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
        shr_bits_inplace(x, bits);
    }
    let mut q = [0u32; 4];
    let (qlen, rlen) = divmod_mag(trim(x), b.mag, &mut q, rest)?;
    sticky |= rlen > 0;
    let q = mag_to_u64(q.get(..qlen).unwrap_or_default()).unwrap_or(0);
    let qbits = 64 - q.leading_zeros() as i64;
    let top_exp = qbits - 1 - s;
    let keep = 53.min(top_exp + 1075);
    if keep < 0 {
        return Ok(sign * 0.0);
    }
    let drop = (qbits - keep) as u32;
    let (mut m, low) = if drop >= 64 {
        (0, q)
    } else {
        (q >> drop, q & ((1u64 << drop) - 1))
    };
    let half = if drop == 0 { 0 } else { 1u64 << (drop - 1) };
    if drop > 0 && (low > half || (low == half && (sticky || m & 1 == 1))) {
        m += 1;
    }
    let r = libm::scalbn(m as f64, (drop as i64 - s) as i32);
    if r.is_infinite() {
        return Err(Error::Overflow);
    }
    Ok(sign * r)
}

// ---------------------------------------------------------------------------------------------
// Signed arithmetic

/// Three-way comparison of signed values.
pub fn cmp(a: Int, b: Int) -> Ordering {
    let (a, b) = (a.norm(), b.norm());
    match (a.neg, b.neg) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => cmp_mag(a.mag, b.mag),
        (true, true) => cmp_mag(b.mag, a.mag),
    }
}

/// Digits for the output of [`add`] and [`sub`].
pub fn add_len(la: usize, lb: usize) -> usize {
    la.max(lb) + 1
}

fn add_signed(a: Int, b: Int, b_neg: bool, out: &mut [u32]) -> Result<Written> {
    let (a, b) = (a.norm(), b.norm());
    let b_neg = b_neg && !b.is_zero();
    need(
        out.len(),
        add_len(a.mag.len(), b.mag.len()),
        Error::OutputTooSmall,
    )?;
    if a.neg == b_neg {
        let n = add_mag(a.mag, b.mag, out);
        return Ok(written(out, n, a.neg));
    }
    match cmp_mag(a.mag, b.mag) {
        Ordering::Equal => Ok(Written::ZERO),
        Ordering::Greater => {
            let n = sub_mag(a.mag, b.mag, out);
            Ok(written(out, n, a.neg))
        }
        Ordering::Less => {
            let n = sub_mag(b.mag, a.mag, out);
            Ok(written(out, n, b_neg))
        }
    }
}

/// a + b. Size: `add_len`.
pub fn add(a: Int, b: Int, out: &mut [u32]) -> Result<Written> {
    add_signed(a, b, b.neg, out)
}

/// a - b. Size: `add_len`.
pub fn sub(a: Int, b: Int, out: &mut [u32]) -> Result<Written> {
    add_signed(a, b, !b.neg, out)
}

/// Digits for the output of [`mul`].
pub fn mul_len(la: usize, lb: usize) -> usize {
    la + lb
}

/// Scratch digits for [`mul`]: zero below the Karatsuba threshold, about 4x the shorter
/// operand above it.
pub fn mul_scratch_len(la: usize, lb: usize) -> usize {
    mul_scratch_need(la, lb)
}

/// a * b. Sizes: `mul_len`, `mul_scratch_len` (with less scratch it multiplies correctly but
/// by the slower schoolbook method).
pub fn mul(a: Int, b: Int, out: &mut [u32], scratch: &mut [u32]) -> Result<Written> {
    let (a, b) = (a.norm(), b.norm());
    let n = mul_len(a.mag.len(), b.mag.len());
    need(out.len(), n, Error::OutputTooSmall)?;
    if a.is_zero() || b.is_zero() {
        return Ok(Written::ZERO);
    }
    mul_mag(a.mag, b.mag, out, scratch);
    Ok(written(out, n, a.neg != b.neg))
}

/// Digits for the output of [`pow`]; `None` when the result could not fit in memory anyway.
pub fn pow_len(a: Int, e: u64) -> Option<usize> {
    let a = a.norm();
    if e == 0 || a.mag.len() <= 1 && a.mag.first().is_none_or(|&d| d <= 1) {
        return Some(1);
    }
    // One digit of slack: a product is written at the sum of its operands' lengths, which can
    // exceed the digits its value needs by one.
    let bits = bit_len_mag(a.mag).checked_mul(e)?;
    usize::try_from(bits / 32 + 2).ok()
}

/// Scratch digits for [`pow`] given the base's length and `pow_len`.
pub fn pow_scratch_len(la: usize, out_len: usize) -> usize {
    let half = out_len / 2 + 1;
    out_len
        + mul_scratch_len(half, half)
            .max(mul_scratch_len(out_len, la))
            .max(mul_scratch_len(half, la))
}

/// a ** e for a non-negative exponent. Sizes: `pow_len`, `pow_scratch_len`.
pub fn pow(a: Int, e: u64, out: &mut [u32], scratch: &mut [u32]) -> Result<Written> {
    let a = a.norm();
    let olen = pow_len(a, e).ok_or(Error::OutputTooSmall)?;
    need(out.len(), olen, Error::OutputTooSmall)?;
    let neg = a.neg && e & 1 == 1;
    if e == 0 || a.mag == [1] {
        if let Some(d) = out.first_mut() {
            *d = 1;
        }
        return Ok(written(out, 1, neg));
    }
    if a.is_zero() {
        return Ok(Written::ZERO);
    }
    need(
        scratch.len(),
        pow_scratch_len(a.mag.len(), olen),
        Error::ScratchTooSmall,
    )?;
    let (tmp, ms) = scratch.split_at_mut(olen);
    let out = out.get_mut(..olen).unwrap_or_default();
    // Left-to-right binary powering, the running value alternating between out and tmp.
    let base = a.mag;
    let mut in_out = true;
    let mut len = base.len();
    if let Some(d) = out.get_mut(..len) {
        d.copy_from_slice(base);
    }
    let top = 63 - e.leading_zeros();
    for bit in (0..top).rev() {
        interrupted()?;
        let (src, dst): (&[u32], &mut [u32]) = if in_out {
            (&*out, &mut *tmp)
        } else {
            (&*tmp, &mut *out)
        };
        let cur = src.get(..len).unwrap_or_default();
        if 2 * len > dst.len() {
            return Err(Error::OutputTooSmall);
        }
        mul_mag(cur, cur, dst, ms);
        len = trimmed_len(dst.get(..2 * len).unwrap_or_default());
        in_out = !in_out;
        if (e >> bit) & 1 == 1 {
            let (src, dst): (&[u32], &mut [u32]) = if in_out {
                (&*out, &mut *tmp)
            } else {
                (&*tmp, &mut *out)
            };
            let cur = src.get(..len).unwrap_or_default();
            let n = len + base.len();
            if n > dst.len() {
                return Err(Error::OutputTooSmall);
            }
            mul_mag(cur, base, dst, ms);
            len = trimmed_len(dst.get(..n).unwrap_or_default());
            in_out = !in_out;
        }
    }
    if !in_out {
        if let (Some(d), Some(s)) = (out.get_mut(..len), tmp.get(..len)) {
            d.copy_from_slice(s);
        }
    }
    Ok(written(out, len, neg))
}

/// Digits for the output of [`pow_mod`].
pub fn pow_mod_len(lm: usize) -> usize {
    lm
}

/// Scratch digits for [`pow_mod`] given the base's and modulus' lengths.
pub fn pow_mod_scratch_len(la: usize, lm: usize) -> usize {
    let ql = divmod_quo_len(la, lm).max(divmod_quo_len(2 * lm, lm));
    let dl = divmod_scratch_len(la, lm).max(divmod_scratch_len(2 * lm, lm));
    4 * lm + ql + dl + mul_scratch_len(lm, lm)
}

/// Python's `pow(a, e, m)` as MicroPython computes it: the result takes the sign of `m` like
/// `%`; a negative exponent or `m == ±1` gives 0 (CPython would compute a modular inverse).
/// Errors: `ZeroDivision` for `m == 0`. Sizes: `pow_mod_len`, `pow_mod_scratch_len`.
pub fn pow_mod(a: Int, e: Int, m: Int, out: &mut [u32], scratch: &mut [u32]) -> Result<Written> {
    let (a, e, m) = (a.norm(), e.norm(), m.norm());
    if m.is_zero() {
        return Err(Error::ZeroDivision);
    }
    let (la, lm) = (a.mag.len(), m.mag.len());
    need(out.len(), lm, Error::OutputTooSmall)?;
    if e.neg || m.mag == [1] {
        return Ok(Written::ZERO);
    }
    need(
        scratch.len(),
        pow_mod_scratch_len(la, lm),
        Error::ScratchTooSmall,
    )?;
    let (x, rest) = scratch.split_at_mut(lm);
    let (r, rest) = rest.split_at_mut(lm);
    let (prod, rest) = rest.split_at_mut(2 * lm);
    let ql = divmod_quo_len(la, lm).max(divmod_quo_len(2 * lm, lm));
    let (quo, rest) = rest.split_at_mut(ql);
    let dl = divmod_scratch_len(la, lm).max(divmod_scratch_len(2 * lm, lm));
    let (ds, ms) = rest.split_at_mut(dl);

    // x = a mod |m|, in [0, |m|).
    let (_, xl) = divmod_mag(a.mag, m.mag, quo, ds)?;
    x.fill(0);
    if let (Some(d), Some(s)) = (x.get_mut(..xl), ds.get(..xl)) {
        d.copy_from_slice(s);
    }
    let mut xl = xl;
    if a.neg && xl > 0 {
        let tmp = prod.get_mut(..lm).unwrap_or_default();
        sub_mag(m.mag, x.get(..xl).unwrap_or_default(), tmp);
        x.copy_from_slice(tmp);
        xl = trimmed_len(x);
    }
    let x = x.get(..xl).unwrap_or_default();

    // r = x ** e mod |m|, left to right over the exponent's bits.
    r.fill(0);
    let mut rl;
    if e.is_zero() {
        if let Some(d) = r.first_mut() {
            *d = 1;
        }
        rl = 1;
    } else {
        rl = xl;
        if let Some(d) = r.get_mut(..xl) {
            d.copy_from_slice(x);
        }
        let nbits = bit_len_mag(e.mag);
        for bit in (0..nbits - 1).rev() {
            interrupted()?;
            for square in [true, false] {
                if !square && bits_at(e.mag, bit) & 1 == 0 {
                    continue;
                }
                let cur = r.get(..rl).unwrap_or_default();
                let other = if square { cur } else { x };
                let pl = rl + other.len();
                mul_mag(cur, other, prod, ms);
                let pl = trimmed_len(prod.get(..pl).unwrap_or_default());
                let (_, nl) = divmod_mag(prod.get(..pl).unwrap_or_default(), m.mag, quo, ds)?;
                r.fill(0);
                if let (Some(d), Some(s)) = (r.get_mut(..nl), ds.get(..nl)) {
                    d.copy_from_slice(s);
                }
                rl = nl;
            }
        }
    }
    let r = r.get(..rl).unwrap_or_default();
    if m.neg && rl > 0 {
        let n = sub_mag(m.mag, r, out);
        return Ok(written(out, n, true));
    }
    if let Some(d) = out.get_mut(..rl) {
        d.copy_from_slice(r);
    }
    Ok(written(out, rl, false))
}

// ---------------------------------------------------------------------------------------------
// Shifts and bitwise operations

/// Digits for the output of [`shl`]; `None` when absurdly large.
pub fn shl_len(la: usize, n: u64) -> Option<usize> {
    if la == 0 {
        return Some(0);
    }
    la.checked_add(usize::try_from(n / 32).ok()?)?
        .checked_add(1)
}

/// a << n. Size: `shl_len`.
pub fn shl(a: Int, n: u64, out: &mut [u32]) -> Result<Written> {
    let a = a.norm();
    if a.is_zero() {
        return Ok(Written::ZERO);
    }
    let len = shl_len(a.mag.len(), n).ok_or(Error::OutputTooSmall)?;
    need(out.len(), len, Error::OutputTooSmall)?;
    let dig = (n / 32) as usize;
    let (lo, hi) = out.split_at_mut(dig);
    lo.fill(0);
    shl_bits(a.mag, (n % 32) as u32, hi);
    Ok(written(out, len, a.neg))
}

/// Digits for the output of [`shr`].
pub fn shr_len(la: usize, n: u64) -> usize {
    let dig = usize::try_from(n / 32).unwrap_or(usize::MAX);
    la.saturating_sub(dig) + 1
}

/// a >> n, flooring like Python (`-1 >> 100 == -1`). Size: `shr_len`.
pub fn shr(a: Int, n: u64, out: &mut [u32]) -> Result<Written> {
    let a = a.norm();
    let la = a.mag.len();
    need(out.len(), shr_len(la, n), Error::OutputTooSmall)?;
    let dig = usize::try_from(n / 32).unwrap_or(usize::MAX);
    let mut len = 0;
    if dig < la {
        let src = a.mag.get(dig..).unwrap_or_default();
        len = src.len();
        if let Some(d) = out.get_mut(..len) {
            d.copy_from_slice(src);
            shr_bits_inplace(d, (n % 32) as u32);
        }
        len = trimmed_len(out.get(..len).unwrap_or_default());
    }
    if a.neg && any_bits_below(a.mag, n) {
        len = inc_mag(out, len)?;
    }
    Ok(written(out, len, a.neg))
}

/// Digits for the output of [`and`], [`or`] and [`xor`].
pub fn bitwise_len(la: usize, lb: usize) -> usize {
    la.max(lb) + 1
}

/// [`and`], [`or`] or [`xor`] by `op`: 0, 1, 2. A plain operand rather than a closure, so
/// the digit loop is compiled once for the three operations (flash on small targets).
pub fn bitwise(a: Int, b: Int, out: &mut [u32], op: u8) -> Result<Written> {
    let f = |x: u32, y: u32| match op {
        0 => x & y,
        1 => x | y,
        _ => x ^ y,
    };
    let (a, b) = (a.norm(), b.norm());
    let n = bitwise_len(a.mag.len(), b.mag.len());
    need(out.len(), n, Error::OutputTooSmall)?;
    let ext = |neg: bool| if neg { u32::MAX } else { 0 };
    let (ma, mb) = (ext(a.neg), ext(b.neg));
    let neg = f(ma, mb) != 0;
    let mr = ext(neg);
    // Negatives become two's complement on the fly (invert, add one) and the result goes back
    // the same way; one digit past the longer input carries the sign extension.
    let (mut ca, mut cb, mut cr) = (a.neg as u64, b.neg as u64, neg as u64);
    for (i, d) in out.iter_mut().take(n).enumerate() {
        let da = (a.mag.get(i).copied().unwrap_or(0) ^ ma) as u64 + ca;
        ca = da >> 32;
        let db = (b.mag.get(i).copied().unwrap_or(0) ^ mb) as u64 + cb;
        cb = db >> 32;
        let r = (f(da as u32, db as u32) ^ mr) as u64 + cr;
        cr = r >> 32;
        *d = r as u32;
    }
    Ok(written(out, n, neg))
}

/// a & b on infinite two's complement. Size: `bitwise_len`.
pub fn and(a: Int, b: Int, out: &mut [u32]) -> Result<Written> {
    bitwise(a, b, out, 0)
}

/// a | b on infinite two's complement. Size: `bitwise_len`.
pub fn or(a: Int, b: Int, out: &mut [u32]) -> Result<Written> {
    bitwise(a, b, out, 1)
}

/// a ^ b on infinite two's complement. Size: `bitwise_len`.
pub fn xor(a: Int, b: Int, out: &mut [u32]) -> Result<Written> {
    bitwise(a, b, out, 2)
}

/// Digits for the output of [`invert`].
pub fn invert_len(la: usize) -> usize {
    la + 1
}

/// ~a == -a - 1. Size: `invert_len`.
pub fn invert(a: Int, out: &mut [u32]) -> Result<Written> {
    let a = a.norm();
    let la = a.mag.len();
    need(out.len(), invert_len(la), Error::OutputTooSmall)?;
    if a.neg {
        let n = sub_mag(a.mag, &[1], out);
        Ok(written(out, n, false))
    } else {
        let n = add_mag(a.mag, &[1], out);
        Ok(written(out, n, true))
    }
}

/// Number of bits in |a|, excluding the sign (Python's `int.bit_length`).
pub fn bit_length(a: Int) -> u64 {
    bit_len_mag(a.mag)
}

// ---------------------------------------------------------------------------------------------
// Conversions

/// A value of at most 64 bits, in a buffer the caller owns: `from_i64(v, &mut buf)`.
pub fn from_i64(v: i64, buf: &mut [u32; 2]) -> Int<'_> {
    let neg = v < 0;
    let m = v.unsigned_abs();
    *buf = [m as u32, (m >> 32) as u32];
    Int::new(neg, buf)
}

/// As [`from_i64`] for unsigned values.
pub fn from_u64(v: u64, buf: &mut [u32; 2]) -> Int<'_> {
    *buf = [v as u32, (v >> 32) as u32];
    Int::new(false, buf)
}

/// The value as an `i64`, or `None` if it does not fit.
pub fn to_i64(a: Int) -> Option<i64> {
    let a = a.norm();
    let m = mag_to_u64(a.mag)?;
    if a.neg {
        if m <= 1u64 << 63 {
            Some((m as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(m).ok()
    }
}

/// The value as a `u64`, or `None` if negative or too large.
pub fn to_u64(a: Int) -> Option<u64> {
    let a = a.norm();
    if a.neg {
        return None;
    }
    mag_to_u64(a.mag)
}

/// The value modulo 2^usize::BITS (two's complement), as upstream's `mpz_hash` gives it. It
/// equals the value whenever that fits in a machine word; the caller narrows it to a small
/// int for `hash()` as upstream does.
pub fn hash(a: Int) -> usize {
    let a = a.norm();
    let mut v = 0usize;
    for &d in a.mag.iter().rev() {
        v = v.checked_shl(32).unwrap_or(0) | d as usize;
    }
    if a.neg {
        v.wrapping_neg()
    } else {
        v
    }
}

/// The nearest float, ties to even; infinite (with the value's sign) when too large, which
/// the caller reports as OverflowError.
pub fn to_f64(a: Int) -> f64 {
    let a = a.norm();
    let n = bit_len_mag(a.mag);
    let r = if n <= 64 {
        #[cfg(feature = "float32")]
        let r = f64_from_scaled(mag_to_u64(a.mag).unwrap_or(0), 0);
        #[cfg(not(feature = "float32"))]
        let r = mag_to_u64(a.mag).unwrap_or(0) as f64;
        r
    } else if n > 1100 {
        f64::INFINITY
    } else {
        // The top 64 bits with everything below folded into the lowest bit: the u64 to f64
        // conversion then rounds exactly as rounding the whole value would.
        let shift = n - 64;
        let top = top_bits(a.mag, shift);
        #[cfg(feature = "float32")]
        let r = f64_from_scaled(top, shift as u32);
        #[cfg(not(feature = "float32"))]
        let r = libm::scalbn(top as f64, shift as i32);
        r
    };
    if a.neg {
        -r
    } else {
        r
    }
}

/// `m * 2**shift` rounded to a double (ties to even) from its bits, so that float32 builds
/// (which narrow it at once) link no double arithmetic.
#[cfg(feature = "float32")]
fn f64_from_scaled(m: u64, shift: u32) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let lz = m.leading_zeros();
    let norm = m << lz;
    let rest = norm & 0x7ff;
    let mut mant = norm >> 11;
    if rest > 0x400 || (rest == 0x400 && mant & 1 != 0) {
        mant += 1;
    }
    let mut exp = u64::from(1023 + 63 - lz + shift);
    if mant >> 53 != 0 {
        mant >>= 1;
        exp += 1;
    }
    if exp >= 0x7ff {
        return f64::INFINITY;
    }
    f64::from_bits((exp << 52) | (mant & ((1 << 52) - 1)))
}

/// Digits for the output of [`from_f64`].
pub fn from_f64_len(x: f64) -> usize {
    let exp = ((x.to_bits() >> 52) & 0x7ff) as usize;
    exp.saturating_sub(1023) / 32 + 2
}

/// The float truncated toward zero. Infinities and NaN give zero: the caller raises for them.
/// Size: `from_f64_len`.
pub fn from_f64(x: f64, out: &mut [u32]) -> Result<Written> {
    need(out.len(), from_f64_len(x), Error::OutputTooSmall)?;
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    if exp == 0x7ff || exp < 1023 {
        return Ok(Written::ZERO);
    }
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let e = exp - 1075;
    // The 53-bit mantissa placed at digit `dig`, shifted within three digits.
    let (dig, m, sh) = if e <= 0 {
        (0, mant >> (-e), 0)
    } else {
        ((e / 32) as usize, mant, (e % 32) as u32)
    };
    let (lo, hi) = out.split_at_mut(dig);
    lo.fill(0);
    shl_bits(&[m as u32, (m >> 32) as u32], sh, hi);
    let n = (dig + 3).min(out.len());
    Ok(written(out, n, neg))
}

/// Bytes for the output of [`to_str`] (sign and digits; any prefix is the caller's).
pub fn to_str_len(la: usize, base: u32) -> usize {
    if !(2..=36).contains(&base) {
        return 0;
    }
    #[cfg(feature = "float32")]
    {
        // Without doubles (float32 builds): base**(k+1) exceeds a digit, so each digit
        // gives at most k+1 characters.
        la.saturating_mul(chunk_params(base).1 as usize + 1)
            .saturating_add(2)
    }
    #[cfg(not(feature = "float32"))]
    {
        let per_digit = 32.0 / libm::log2(base as f64);
        (libm::ceil(la as f64 * per_digit) as usize).saturating_add(2)
    }
}

/// Scratch digits for [`to_str`].
pub fn to_str_scratch_len(la: usize) -> usize {
    la
}

/// The largest power of `base` that fits a digit, and its exponent.
fn chunk_params(base: u32) -> (u32, u32) {
    let mut big = base;
    let mut k = 1;
    while let Some(next) = big.checked_mul(base) {
        big = next;
        k += 1;
    }
    (big, k)
}

/// Writes `a` in `base` (2..=36, lowercase) to the start of `out`, returning its length.
/// Sizes: `to_str_len`, `to_str_scratch_len`.
pub fn to_str(a: Int, base: u32, out: &mut [u8], scratch: &mut [u32]) -> Result<usize> {
    if !(2..=36).contains(&base) {
        return Err(Error::InvalidBase);
    }
    let a = a.norm();
    let la = a.mag.len();
    need(out.len(), to_str_len(la, base), Error::OutputTooSmall)?;
    if a.is_zero() {
        if let Some(c) = out.first_mut() {
            *c = b'0';
        }
        return Ok(1);
    }
    // Digits are produced least significant first, written backwards from the end of out.
    let end = out.len();
    let mut pos = end;
    let mut put = |c: u8| -> Result<()> {
        pos = pos.checked_sub(1).ok_or(Error::OutputTooSmall)?;
        if let Some(slot) = out.get_mut(pos) {
            *slot = c;
        }
        Ok(())
    };
    let char_of = |v: u32| DIGIT_CHARS.get(v as usize).copied().unwrap_or(b'?');
    if base.is_power_of_two() {
        let bits = base.trailing_zeros() as u64;
        let nbits = bit_len_mag(a.mag);
        let mut p = 0;
        while p < nbits {
            put(char_of((bits_at(a.mag, p) & (base as u64 - 1)) as u32))?;
            p += bits;
        }
    } else {
        need(scratch.len(), la, Error::ScratchTooSmall)?;
        let work = scratch.get_mut(..la).unwrap_or_default();
        work.copy_from_slice(a.mag);
        let (big, k) = chunk_params(base);
        let mut len = la;
        while len > 0 {
            interrupted()?;
            let w = work.get_mut(..len).unwrap_or_default();
            let mut r = if base == 10 {
                div_const_inplace::<1_000_000_000>(w)
            } else {
                div_dig_inplace(w, big)
            };
            len = trimmed_len(w);
            // k characters per digit, leading zeros and all but for the top digit.
            for _ in 0..k {
                if len == 0 && r == 0 {
                    break;
                }
                put(char_of(r % base))?;
                r /= base;
            }
        }
    }
    let start = if a.neg { 1 } else { 0 };
    if pos < start {
        return Err(Error::OutputTooSmall);
    }
    let n = end - pos;
    out.copy_within(pos..end, start);
    if a.neg {
        if let Some(c) = out.first_mut() {
            *c = b'-';
        }
    }
    Ok(start + n)
}

/// Digits for the output of [`from_str`] given the text's length in bytes.
pub fn from_str_len(nchars: usize, base: u32) -> usize {
    let bits = 32 - base.saturating_sub(1).leading_zeros() as usize;
    nchars.saturating_mul(bits) / 32 + 1
}

/// Parses digits in `base` (2..=36, either case), skipping every `_`: the caller has already
/// taken off whitespace, sign and prefix and checked where underscores may stand. Errors:
/// `InvalidBase`, `InvalidDigit` (also for no digits at all). Size: `from_str_len`.
pub fn from_str(s: &[u8], neg: bool, base: u32, out: &mut [u32]) -> Result<Written> {
    if !(2..=36).contains(&base) {
        return Err(Error::InvalidBase);
    }
    need(
        out.len(),
        from_str_len(s.len(), base),
        Error::OutputTooSmall,
    )?;
    // k digits at a time go in with one multiply-add pass over the result.
    let (big, k) = chunk_params(base);
    let (mut acc, mut cnt, mut mul, mut len) = (0u32, 0u32, 1u32, 0usize);
    let mut any = false;
    for &c in s {
        let v = match c {
            b'_' => continue,
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 10,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => return Err(Error::InvalidDigit),
        };
        if v >= base {
            return Err(Error::InvalidDigit);
        }
        any = true;
        acc = acc * base + v;
        mul *= base;
        cnt += 1;
        if cnt == k {
            len = mul_add_dig(out, len, big, acc)?;
            len = trimmed_len(out.get(..len).unwrap_or_default());
            (acc, cnt, mul) = (0, 0, 1);
        }
    }
    if !any {
        return Err(Error::InvalidDigit);
    }
    if cnt > 0 {
        len = mul_add_dig(out, len, mul, acc)?;
    }
    Ok(written(out, len, neg))
}

/// Digits for the output of [`from_bytes`].
pub fn from_bytes_len(nbytes: usize) -> usize {
    nbytes.div_ceil(4)
}

/// The integer encoded by `bytes` (two's complement when `signed`). Size: `from_bytes_len`.
pub fn from_bytes(
    bytes: &[u8],
    big_endian: bool,
    signed: bool,
    out: &mut [u32],
) -> Result<Written> {
    let n = from_bytes_len(bytes.len());
    need(out.len(), n, Error::OutputTooSmall)?;
    let out = out.get_mut(..n).unwrap_or_default();
    out.fill(0);
    let byte_at = |i: usize| {
        let j = if big_endian {
            bytes.len().checked_sub(i + 1)
        } else {
            Some(i)
        };
        j.and_then(|j| bytes.get(j)).copied().unwrap_or(0)
    };
    for i in 0..bytes.len() {
        if let Some(d) = out.get_mut(i / 4) {
            *d |= (byte_at(i) as u32) << (8 * (i % 4));
        }
    }
    let neg = signed && !bytes.is_empty() && byte_at(bytes.len() - 1) & 0x80 != 0;
    if neg {
        // Magnitude = 2^(8 len) - value: negate within the width, then drop bits above it.
        let mut carry = 1u64;
        for d in out.iter_mut() {
            let t = (!*d) as u64 + carry;
            *d = t as u32;
            carry = t >> 32;
        }
        let rem_bits = (bytes.len() % 4) * 8;
        if rem_bits != 0 {
            if let Some(d) = out.last_mut() {
                *d &= (1u32 << rem_bits) - 1;
            }
        }
    }
    Ok(written(out, n, neg))
}

/// Writes `a` in two's complement into all of `out` (truncated or sign-extended as needed) and
/// returns whether it fitted: for `signed`, in the signed range of that many bytes; otherwise
/// non-negative and below 2^(8 len).
pub fn to_bytes(a: Int, big_endian: bool, signed: bool, out: &mut [u8]) -> bool {
    let a = a.norm();
    let len = out.len();
    let mut carry = a.neg as u64;
    let mask = if a.neg { u32::MAX } else { 0 };
    let mut cur = 0u32;
    for i in 0..len {
        if i % 4 == 0 {
            let d = a.mag.get(i / 4).copied().unwrap_or(0);
            let t = (d ^ mask) as u64 + carry;
            carry = t >> 32;
            cur = t as u32;
        }
        let byte = (cur >> (8 * (i % 4))) as u8;
        let j = if big_endian { len - 1 - i } else { i };
        if let Some(slot) = out.get_mut(j) {
            *slot = byte;
        }
    }
    if a.is_zero() {
        return true;
    }
    let nbits = bit_len_mag(a.mag);
    let width = len as u64 * 8;
    if !signed {
        return !a.neg && nbits <= width;
    }
    if !a.neg {
        return nbits < width;
    }
    // -2^(width-1) is the one negative whose magnitude needs width bits.
    nbits < width || (nbits == width && !any_bits_below(a.mag, width - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;

    /// An owned value for tests.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Big {
        neg: bool,
        mag: Vec<u32>,
    }

    impl Big {
        fn int(&self) -> Int<'_> {
            Int::new(self.neg, &self.mag)
        }
        fn take(out: &[u32], w: Written) -> Big {
            Big {
                neg: w.neg,
                mag: out[..w.len].to_vec(),
            }
        }
    }

    fn big(s: &str) -> Big {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (base, digits) = match digits.strip_prefix("0x") {
            Some(rest) => (16, rest),
            None => (10, digits),
        };
        let mut out = vec![0; from_str_len(digits.len(), base)];
        let w = from_str(digits.as_bytes(), neg, base, &mut out).unwrap();
        Big::take(&out, w)
    }

    fn s(a: &Big) -> String {
        sb(a, 10)
    }

    fn sb(a: &Big, base: u32) -> String {
        let mut out = vec![0u8; to_str_len(a.mag.len(), base)];
        let mut scratch = vec![0; to_str_scratch_len(a.mag.len())];
        let n = to_str(a.int(), base, &mut out, &mut scratch).unwrap();
        String::from_utf8(out[..n].to_vec()).unwrap()
    }

    fn from_i128(v: i128) -> Big {
        let m = v.unsigned_abs();
        let mut mag = vec![
            m as u32,
            (m >> 32) as u32,
            (m >> 64) as u32,
            (m >> 96) as u32,
        ];
        while mag.last() == Some(&0) {
            mag.pop();
        }
        Big { neg: v < 0, mag }
    }

    fn to_i128(a: &Big) -> i128 {
        assert!(a.mag.len() <= 4);
        assert!(a.mag.last() != Some(&0), "not normalised: {:?}", a);
        assert!(!(a.neg && a.mag.is_empty()), "negative zero");
        let mut m = 0u128;
        for &d in a.mag.iter().rev() {
            m = (m << 32) | d as u128;
        }
        if a.neg {
            (m as i128).wrapping_neg()
        } else {
            m as i128
        }
    }

    fn add_b(a: &Big, b: &Big) -> Big {
        let mut out = vec![0; add_len(a.mag.len(), b.mag.len())];
        let w = add(a.int(), b.int(), &mut out).unwrap();
        Big::take(&out, w)
    }

    fn sub_b(a: &Big, b: &Big) -> Big {
        let mut out = vec![0; add_len(a.mag.len(), b.mag.len())];
        let w = sub(a.int(), b.int(), &mut out).unwrap();
        Big::take(&out, w)
    }

    fn mul_b(a: &Big, b: &Big) -> Big {
        let (la, lb) = (a.mag.len(), b.mag.len());
        let mut out = vec![0; mul_len(la, lb)];
        let mut scratch = vec![0; mul_scratch_len(la, lb)];
        let w = mul(a.int(), b.int(), &mut out, &mut scratch).unwrap();
        Big::take(&out, w)
    }

    fn school_b(a: &Big, b: &Big) -> Big {
        let (la, lb) = (a.mag.len(), b.mag.len());
        let mut out = vec![0; mul_len(la, lb)];
        let w = mul(a.int(), b.int(), &mut out, &mut []).unwrap();
        Big::take(&out, w)
    }

    fn divmod_b(a: &Big, b: &Big) -> (Big, Big) {
        let (la, lb) = (a.mag.len(), b.mag.len());
        let mut q = vec![0; divmod_quo_len(la, lb)];
        let mut r = vec![0; divmod_rem_len(la, lb)];
        let mut scratch = vec![0; divmod_scratch_len(la, lb)];
        let (wq, wr) = divmod(a.int(), b.int(), &mut q, &mut r, &mut scratch).unwrap();
        let (q, r) = (Big::take(&q, wq), Big::take(&r, wr));
        // The other entry points must agree.
        let mut q2 = vec![0; divmod_quo_len(la, lb)];
        let mut scratch = vec![0; divmod_scratch_len(la, lb)];
        let w = floordiv(a.int(), b.int(), &mut q2, &mut scratch).unwrap();
        assert_eq!(Big::take(&q2, w), q);
        let mut r2 = vec![0; divmod_rem_len(la, lb)];
        let mut scratch = vec![0; modulo_scratch_len(la, lb)];
        let w = modulo(a.int(), b.int(), &mut r2, &mut scratch).unwrap();
        assert_eq!(Big::take(&r2, w), r);
        (q, r)
    }

    fn bitop(f: fn(Int, Int, &mut [u32]) -> Result<Written>, a: &Big, b: &Big) -> Big {
        let mut out = vec![0; bitwise_len(a.mag.len(), b.mag.len())];
        let w = f(a.int(), b.int(), &mut out).unwrap();
        Big::take(&out, w)
    }

    fn shl_b(a: &Big, n: u64) -> Big {
        let mut out = vec![0; shl_len(a.mag.len(), n).unwrap()];
        let w = shl(a.int(), n, &mut out).unwrap();
        Big::take(&out, w)
    }

    fn shr_b(a: &Big, n: u64) -> Big {
        let mut out = vec![0; shr_len(a.mag.len(), n)];
        let w = shr(a.int(), n, &mut out).unwrap();
        Big::take(&out, w)
    }

    fn pow_b(a: &Big, e: u64) -> Big {
        let n = pow_len(a.int(), e).unwrap();
        let mut out = vec![0; n];
        let mut scratch = vec![0; pow_scratch_len(a.mag.len(), n)];
        let w = pow(a.int(), e, &mut out, &mut scratch).unwrap();
        Big::take(&out, w)
    }

    fn pow_mod_b(a: &Big, e: &Big, m: &Big) -> Big {
        let mut out = vec![0; pow_mod_len(m.mag.len())];
        let mut scratch = vec![0; pow_mod_scratch_len(a.mag.len(), m.mag.len())];
        let w = pow_mod(a.int(), e.int(), m.int(), &mut out, &mut scratch).unwrap();
        Big::take(&out, w)
    }

    fn truediv_b(a: &Big, b: &Big) -> Result<f64> {
        let mut scratch = vec![0; truediv_scratch_len(a.mag.len(), b.mag.len())];
        truediv(a.int(), b.int(), &mut scratch)
    }

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
        /// A value of random bit width up to `bits`, biased to awkward digit patterns.
        fn int(&mut self, bits: u32) -> i128 {
            let width = (self.next() % (bits as u64 + 1)) as u32;
            let raw = ((self.next() as u128) << 64) | self.next() as u128;
            let raw = match self.next() % 4 {
                0 => u128::MAX,
                1 => raw & 0xffff_ffff_0000_0000_ffff_ffff_0000_0000,
                _ => raw,
            };
            let v = if width == 0 {
                0
            } else {
                (raw >> (128 - width)) as i128
            };
            if self.next() & 1 == 1 {
                -v
            } else {
                v
            }
        }
        fn big(&mut self, digits: usize) -> Big {
            let n = (self.next() as usize) % (digits + 1);
            let mut mag: Vec<u32> = (0..n)
                .map(|_| match self.next() % 8 {
                    0 => 0,
                    1 => u32::MAX,
                    _ => self.next() as u32,
                })
                .collect();
            while mag.last() == Some(&0) {
                mag.pop();
            }
            let neg = !mag.is_empty() && self.next() & 1 == 1;
            Big { neg, mag }
        }
    }

    fn floor_divmod(a: i128, b: i128) -> (i128, i128) {
        let (q, r) = (a / b, a % b);
        if r != 0 && ((r < 0) != (b < 0)) {
            (q - 1, r + b)
        } else {
            (q, r)
        }
    }

    #[test]
    fn random_small_against_i128() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20000 {
            let (x, y) = (rng.int(126), rng.int(126));
            let (a, b) = (from_i128(x), from_i128(y));
            assert_eq!(to_i128(&add_b(&a, &b)), x + y);
            assert_eq!(to_i128(&sub_b(&a, &b)), x - y);
            assert_eq!(cmp(a.int(), b.int()), x.cmp(&y));
            assert_eq!(to_i128(&bitop(and, &a, &b)), x & y, "{x} & {y}");
            assert_eq!(to_i128(&bitop(or, &a, &b)), x | y, "{x} | {y}");
            assert_eq!(to_i128(&bitop(xor, &a, &b)), x ^ y, "{x} ^ {y}");
            if y != 0 {
                let (q, r) = divmod_b(&a, &b);
                assert_eq!(
                    (to_i128(&q), to_i128(&r)),
                    floor_divmod(x, y),
                    "{x} divmod {y}"
                );
            }
            let (p, q) = (rng.int(63), rng.int(63));
            let prod = mul_b(&from_i128(p), &from_i128(q));
            assert_eq!(to_i128(&prod), p * q);
            let n = rng.next() % 70;
            let sh = shr_b(&a, n);
            assert_eq!(to_i128(&sh), x >> n, "{x} >> {n}");
            let (small, n) = (rng.int(60), n % 67);
            assert_eq!(to_i128(&shl_b(&from_i128(small), n)), small << n);
            let mut out = vec![0; invert_len(a.mag.len())];
            let w = invert(a.int(), &mut out).unwrap();
            assert_eq!(to_i128(&Big::take(&out, w)), !x);
            assert_eq!(to_f64(a.int()), x as f64);
            assert_eq!(to_i64(a.int()), i64::try_from(x).ok());
            assert_eq!(to_u64(a.int()), u64::try_from(x).ok());
            assert_eq!(
                bit_length(a.int()),
                128 - x.unsigned_abs().leading_zeros() as u64
            );
            assert_eq!(hash(a.int()) as u64, x as u64);
            assert_eq!(s(&a), alloc::format!("{x}"));
            assert_eq!(
                sb(&a, 16),
                alloc::format!("{}{:x}", if x < 0 { "-" } else { "" }, x.unsigned_abs())
            );
            assert_eq!(big(&s(&a)), a);
        }
    }

    #[test]
    fn random_pow_mod_against_u128() {
        let mut rng = Rng(12345);
        for _ in 0..2000 {
            let a = rng.int(40);
            let e = rng.int(20).abs();
            let m = rng.int(32);
            if m == 0 {
                continue;
            }
            // Reference by repeated squaring on i128 with values below 2^32.
            let mm = m.abs();
            let mut base = a.rem_euclid(mm);
            let mut r: i128 = 1 % mm;
            let mut k = e;
            while k > 0 {
                if k & 1 == 1 {
                    r = r * base % mm;
                }
                base = base * base % mm;
                k >>= 1;
            }
            let want = if m < 0 && r != 0 {
                r - mm
            } else if mm == 1 {
                0
            } else {
                r
            };
            let got = pow_mod_b(&from_i128(a), &from_i128(e), &from_i128(m));
            assert_eq!(to_i128(&got), want, "pow({a}, {e}, {m})");
        }
    }

    #[test]
    fn pow_mod_negative_exponent_is_zero_like_upstream() {
        let got = pow_mod_b(&big("3"), &big("-1"), &big("7"));
        assert_eq!(to_i128(&got), 0);
        assert_eq!(to_i128(&pow_mod_b(&big("3"), &big("0"), &big("-7"))), -6);
        assert_eq!(to_i128(&pow_mod_b(&big("0"), &big("5"), &big("7"))), 0);
        let mut out = [0u32; 1];
        let mut scratch = [0u32; 64];
        let e = pow_mod(
            big("2").int(),
            big("3").int(),
            Int::ZERO,
            &mut out,
            &mut scratch,
        );
        assert_eq!(e, Err(Error::ZeroDivision));
    }

    #[test]
    fn big_values_match_python() {
        // Literals computed with CPython 3.11.
        assert_eq!(
            s(&pow_b(&big("2"), 200)),
            "1606938044258990275541962092341162602522202993782792835301376"
        );
        let q = divmod_b(&pow_b(&big("3"), 150), &pow_b(&big("7"), 40)).0;
        assert_eq!(s(&q), "58112105022393747904914796275992515767");
        let (q, r) = divmod_b(
            &big("-1606938044258990275541962092341162602522202993782792835301376"),
            &big("12345678901234567890123"),
        );
        assert_eq!(s(&q), "-130161982756436057243974045149555016804");
        assert_eq!(s(&r), "144920905231255325516");
        let (q, r) = divmod_b(
            &big("1606938044258990275541962092341162602522202993782792835301376"),
            &big("-12345678901234567890123"),
        );
        assert_eq!(s(&q), "-130161982756436057243974045149555016804");
        assert_eq!(s(&r), "-144920905231255325516");
        let a = big("-1606938044258990275541962092341162602522202993782792835301377");
        let b = big("98765432109876543210987654321");
        assert_eq!(s(&bitop(and, &a, &b)), "98765432109876543210987654321");
        assert_eq!(
            s(&bitop(or, &a, &b)),
            "-1606938044258990275541962092341162602522202993782792835301377"
        );
        assert_eq!(
            s(&bitop(xor, &a, &b)),
            "-1606938044258990275541962092341261367954312870326003822955698"
        );
        assert_eq!(s(&shr_b(&a, 100)), "-1267650600228229401496703205377");
        assert_eq!(
            s(&shl_b(&a, 33)),
            "-13803492693581127574869511724554050904902217944340773110325057037533184"
        );
        assert_eq!(
            sb(&pow_b(&big("-3"), 101), 36),
            "-vmvbp0n483bzec7bpputyuch43oko6r"
        );
        assert_eq!(sb(&big("255"), 2), "11111111");
        assert_eq!(s(&pow_b(&big("-1"), 1001)), "-1");
        assert_eq!(s(&pow_b(&big("-1"), 1000)), "1");
        assert_eq!(s(&pow_b(&big("0"), 0)), "1");
        assert_eq!(s(&pow_b(&big("0"), 7)), "0");
        assert_eq!(s(&pow_b(&big("-2"), 63)), "-9223372036854775808");
        assert_eq!(
            sb(&pow_b(&big("7"), 77), 8),
            "1076441650634671403047144064064302752557406323701065766666433370240071347"
        );
        let m = big("1000000007000000063");
        assert_eq!(
            s(&pow_mod_b(
                &big("123456789123456789123456789"),
                &big("98765432109876543210"),
                &m
            )),
            "45082920548587671"
        );
        assert_eq!(
            s(&pow_mod_b(
                &big("-123456789123456789123456789"),
                &big("98765432109876543210"),
                &big("-1000000007000000063")
            )),
            "-954917086451412392"
        );
    }

    #[test]
    fn pow_mod_with_a_large_prime() {
        // 2^521 - 1 is prime, so Fermat's little theorem gives 1; the other values are CPython's.
        let p = sub_b(&shl_b(&big("1"), 521), &big("1"));
        let y = add_b(&pow_b(&big("3"), 300), &big("12345"));
        let p_minus_1 = sub_b(&p, &big("1"));
        assert_eq!(s(&pow_mod_b(&y, &p_minus_1, &p)), "1");
        let e = add_b(&shl_b(&big("1"), 200), &big("7"));
        assert_eq!(
            s(&pow_mod_b(&y, &e, &p)),
            "6599238826608375216040695254004541424953228533099097060063278782336918845984884343\
             331011919040556445344624907858316229274827813450308957965003309900251196168"
        );
        let neg_p = Big {
            neg: true,
            ..p.clone()
        };
        assert_eq!(
            s(&divmod_b(&neg_p, &y).1),
            "1004432693164309919261441612437742605317051027072743231876481154901192457502771296\
             77100366222978514522718941887592557060939045299288962144634405"
        );
        // A product whose division needs borrows across the whole quotient.
        let d = sub_b(&shl_b(&big("1"), 256), &shl_b(&big("1"), 32));
        assert_eq!(
            divmod_b(&mul_b(&d, &d), &d),
            (
                d.clone(),
                Big {
                    neg: false,
                    mag: vec![]
                }
            )
        );
    }

    #[test]
    fn karatsuba_matches_schoolbook() {
        let mut rng = Rng(777);
        for &(la, lb) in &[
            (40, 40),
            (41, 40),
            (80, 80),
            (81, 79),
            (200, 50),
            (130, 97),
            (300, 300),
            (1000, 333),
        ] {
            for _ in 0..3 {
                let mut a = rng.big(la);
                let mut b = rng.big(lb);
                a.mag.resize(la, 1);
                b.mag.resize(lb, 1);
                *a.mag.last_mut().unwrap() |= 1;
                *b.mag.last_mut().unwrap() |= 1;
                assert_eq!(mul_b(&a, &b), school_b(&a, &b), "{la}x{lb}");
            }
        }
        // Squares take their own path when both operands are the same slice.
        for n in [1, 2, 10, 31, 50, 63, 64, 65, 100, 129, 300, 1000] {
            let mut a = rng.big(n);
            a.mag.resize(n, u32::MAX);
            let copy = a.clone();
            assert_eq!(mul_b(&a, &a), school_b(&a, &copy), "{n}^2");
            assert_eq!(school_b(&a, &a), school_b(&a, &copy), "{n}^2");
        }
        // All-ones operands stress every carry.
        let ones = Big {
            neg: false,
            mag: vec![u32::MAX; 257],
        };
        assert_eq!(mul_b(&ones, &ones), school_b(&ones, &ones));
    }

    #[test]
    fn random_big_identities() {
        let mut rng = Rng(4242);
        for _ in 0..400 {
            let a = rng.big(60);
            let b = rng.big(30);
            // (a + b) - b == a
            assert_eq!(sub_b(&add_b(&a, &b), &b), a);
            if b.mag.is_empty() {
                continue;
            }
            // a == q b + r with r having b's sign and |r| < |b|
            let (q, r) = divmod_b(&a, &b);
            assert_eq!(add_b(&mul_b(&q, &b), &r), a);
            assert!(r.mag.is_empty() || r.neg == b.neg);
            assert_eq!(cmp_mag(&r.mag, &b.mag), Ordering::Less);
            // Bitwise laws on two's complement: a ^ b == (a | b) - (a & b).
            let x = bitop(xor, &a, &b);
            let y = sub_b(&bitop(or, &a, &b), &bitop(and, &a, &b));
            assert_eq!(x, y);
            // a >> n == floor(a / 2^n)
            let n = rng.next() % 200;
            let p = shl_b(&big("1"), n);
            assert_eq!(shr_b(&a, n), divmod_b(&a, &p).0);
            assert_eq!(shr_b(&shl_b(&a, n), n), a);
            // String round trips in several bases.
            for base in [2, 3, 7, 10, 16, 36] {
                let t = sb(&a, base);
                let (neg, digits) = match t.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, t.as_str()),
                };
                let mut out = vec![0; from_str_len(digits.len(), base)];
                let w = from_str(digits.as_bytes(), neg, base, &mut out).unwrap();
                assert_eq!(Big::take(&out, w), a);
            }
            // Bytes round trip.
            let nbytes = a.mag.len() * 4 + 1;
            let mut buf = vec![0u8; nbytes];
            for be in [false, true] {
                assert!(to_bytes(a.int(), be, true, &mut buf));
                let mut out = vec![0; from_bytes_len(nbytes)];
                let w = from_bytes(&buf, be, true, &mut out).unwrap();
                assert_eq!(Big::take(&out, w), a);
            }
        }
    }

    #[test]
    fn division_edge_cases() {
        // Quotient digits that need the add-back step of algorithm D.
        let a = big("0x7fffffff800000010000000000000000");
        let b = big("0x800000000000000000000003");
        let (q, r) = divmod_b(&a, &b);
        assert_eq!(add_b(&mul_b(&q, &b), &r), a);
        // Floor adjustment that grows the quotient by a digit.
        let a = big("-0xffffffffffffffffffffffff");
        let b = big("0x100000000");
        let (q, r) = divmod_b(&a, &b);
        assert_eq!(sb(&q, 16), "-10000000000000000");
        assert_eq!(sb(&r, 16), "1");
        let mut q = [0u32; 4];
        let mut r = [0u32; 4];
        let mut scratch = [0u32; 8];
        assert_eq!(
            divmod(big("5").int(), Int::ZERO, &mut q, &mut r, &mut scratch),
            Err(Error::ZeroDivision)
        );
        assert_eq!(
            divmod(
                big("5").int(),
                big("3").int(),
                &mut q[..1],
                &mut r,
                &mut scratch
            ),
            Err(Error::OutputTooSmall)
        );
    }

    #[test]
    fn float_conversions() {
        assert_eq!(to_f64(big("9007199254740993").int()), 9007199254740992.0);
        assert_eq!(to_f64(big("9007199254740995").int()), 9007199254740996.0);
        // Ties away from the last bit only decide when everything below is zero.
        assert_eq!(
            to_f64(big("0x20000000000001000000000000000001").int()),
            4.253529586511732e37
        );
        assert_eq!(
            to_f64(big("0x20000000000001000000000000000000").int()),
            4.253529586511731e37
        );
        assert_eq!(to_f64(pow_b(&big("2"), 1023).int()), 2f64.powi(1023));
        assert!(to_f64(pow_b(&big("2"), 1024).int()).is_infinite());
        let max = shl_b(&big("0x1fffffffffffff"), 971);
        assert_eq!(to_f64(max.int()), f64::MAX);
        let half_ulp = shl_b(&big("1"), 970);
        // Exactly halfway to 2^1024 rounds to even, which overflows; just below stays finite.
        assert!(to_f64(add_b(&max, &half_ulp).int()).is_infinite());
        let below = sub_b(&add_b(&max, &half_ulp), &big("1"));
        assert_eq!(to_f64(below.int()), f64::MAX);
        assert_eq!(to_f64(Big { neg: true, ..max }.int()), -f64::MAX);
        for (x, want) in [(1e300, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"), (-123456.9, "-123456"), (0.5, "0"), (-0.99, "0"), (4294967296.0, "4294967296"), (1.8446744073709552e19, "18446744073709551616")] {
            let mut out = vec![0; from_f64_len(x)];
            let w = from_f64(x, &mut out).unwrap();
            assert_eq!(s(&Big::take(&out, w)), want, "{x}");
        }
        let mut out = vec![0; from_f64_len(f64::INFINITY)];
        assert_eq!(from_f64(f64::NAN, &mut out), Ok(Written::ZERO));
    }

    #[test]
    fn true_division() {
        let t = |a: &str, b: &str| truediv_b(&big(a), &big(b));
        assert_eq!(t("1", "3"), Ok(1.0 / 3.0));
        assert_eq!(t("0", "-5"), Ok(-0.0));
        assert!(t("0", "-5").unwrap().is_sign_negative());
        assert_eq!(t("5", "0"), Err(Error::ZeroDivision));
        // Values below from CPython.
        let p200 = s(&pow_b(&big("10"), 200));
        let p199 = s(&pow_b(&big("10"), 199));
        assert_eq!(
            truediv_b(&big(&p200), &big(&alloc::format!("-{p199}"))),
            Ok(-10.0)
        );
        let p3 = pow_b(&big("3"), 150);
        let p7 = pow_b(&big("7"), 40);
        assert_eq!(truediv_b(&p3, &p7), Ok(5.811210502239375e37));
        assert_eq!(truediv_b(&p7, &p3), Ok(1.7208118680516662e-38));
        // Exactly halfway cases must round to even.
        assert_eq!(t("0x20000000000001", "2"), Ok(4503599627370496.0));
        assert_eq!(t("0x20000000000003", "2"), Ok(4503599627370498.0));
        let big_odd = shl_b(&big("0x20000000000001"), 1000);
        let two_k = shl_b(&big("1"), 1001);
        assert_eq!(truediv_b(&big_odd, &two_k), Ok(4503599627370496.0));
        // Subnormal and underflowing results.
        let one = big("1");
        assert_eq!(truediv_b(&one, &shl_b(&one, 1074)), Ok(5e-324));
        assert_eq!(truediv_b(&one, &shl_b(&one, 1075)), Ok(0.0));
        assert_eq!(truediv_b(&big("3"), &shl_b(&one, 1076)), Ok(5e-324));
        assert_eq!(
            truediv_b(&big("-3"), &shl_b(&one, 1000)),
            Ok(-2.7997908555096566e-301)
        );
        assert_eq!(
            truediv_b(&shl_b(&one, 1024), &big("1")),
            Err(Error::Overflow)
        );
        assert_eq!(
            truediv_b(&shl_b(&one, 1024), &big("2")),
            Ok(2f64.powi(1023))
        );
        let mut rng = Rng(99);
        for _ in 0..5000 {
            let (x, y) = (rng.int(53), rng.int(53));
            if y == 0 {
                continue;
            }
            let a = shl_b(&from_i128(x), 40);
            let b = shl_b(&from_i128(y), 40);
            assert_eq!(truediv_b(&a, &b), Ok(x as f64 / y as f64));
        }
    }

    #[test]
    fn bytes() {
        let mut buf = [0u8; 4];
        assert!(to_bytes(big("-1").int(), true, true, &mut buf));
        assert_eq!(buf, [0xff; 4]);
        assert!(to_bytes(big("-2147483648").int(), false, true, &mut buf));
        assert_eq!(buf, [0, 0, 0, 0x80]);
        assert!(!to_bytes(big("-2147483649").int(), false, true, &mut buf));
        assert!(!to_bytes(big("2147483648").int(), false, true, &mut buf));
        assert!(to_bytes(big("2147483648").int(), false, false, &mut buf));
        assert!(!to_bytes(big("-1").int(), false, false, &mut buf));
        assert!(to_bytes(Int::ZERO, false, true, &mut []));
        assert!(!to_bytes(big("1").int(), false, false, &mut []));
        let mut buf = [0u8; 10];
        assert!(to_bytes(
            big("-0x1234567890abcdef12").int(),
            true,
            true,
            &mut buf
        ));
        assert_eq!(
            buf,
            [0xff, 0xed, 0xcb, 0xa9, 0x87, 0x6f, 0x54, 0x32, 0x10, 0xee]
        );
        let mut out = [0u32; 3];
        let w = from_bytes(&buf, true, true, &mut out).unwrap();
        assert_eq!(sb(&Big::take(&out, w), 16), "-1234567890abcdef12");
        let w = from_bytes(&buf, true, false, &mut out).unwrap();
        assert_eq!(s(&Big::take(&out, w)), "1208590006887001680384238");
        let w = from_bytes(&[0x80, 0, 0], true, true, &mut out).unwrap();
        assert_eq!(s(&Big::take(&out, w)), "-8388608");
        let w = from_bytes(&[], true, true, &mut out).unwrap();
        assert_eq!(w, Written::ZERO);
    }

    #[test]
    fn strings() {
        let mut out = [0u32; 4];
        assert_eq!(
            from_str(b"1_000", false, 10, &mut out).map(|w| w.len),
            Ok(1)
        );
        assert_eq!(out[0], 1000);
        assert_eq!(
            from_str(b"12a", false, 10, &mut out),
            Err(Error::InvalidDigit)
        );
        assert_eq!(from_str(b"", false, 10, &mut out), Err(Error::InvalidDigit));
        assert_eq!(
            from_str(b"__", false, 10, &mut out),
            Err(Error::InvalidDigit)
        );
        assert_eq!(from_str(b"1", false, 37, &mut out), Err(Error::InvalidBase));
        assert_eq!(
            from_str(b"-0", true, 10, &mut out),
            Err(Error::InvalidDigit)
        );
        assert_eq!(s(&big("-0")), "0");
        assert_eq!(
            sb(&big("0xFFFFFFFFFFFFFFFFFFFFFFFF"), 32),
            "1vvvvvvvvvvvvvvvvvvv"
        );
        assert_eq!(
            s(&big("100000000000000000000000000000000000000000000")),
            "100000000000000000000000000000000000000000000"
        );
        assert_eq!(s(&big("1000000000")), "1000000000");
        assert_eq!(s(&big("-999999999999999999")), "-999999999999999999");
        let mut short = [0u8; 3];
        assert_eq!(
            to_str(big("12345").int(), 10, &mut short, &mut [0; 1]),
            Err(Error::OutputTooSmall)
        );
    }

    #[test]
    fn hash_matches_upstream_truncation() {
        assert_eq!(
            hash(big("0x123456789abcdef0123456789").int()),
            0xabcd_ef01_2345_6789u64 as usize
        );
        assert_eq!(hash(big("-5").int()), (-5isize) as usize);
        assert_eq!(hash(pow_b(&big("2"), 100).int()), 0);
    }

    #[test]
    fn never_panics_on_short_buffers() {
        let a = big("123456789012345678901234567890");
        let b = big("-987654321098765432109876543210987654321");
        let mut out = [0u32; 2];
        let mut scratch = [0u32; 2];
        assert!(add(a.int(), b.int(), &mut out).is_err());
        assert!(mul(a.int(), b.int(), &mut out, &mut scratch).is_err());
        assert!(floordiv(b.int(), a.int(), &mut out, &mut scratch).is_err());
        assert!(modulo(b.int(), a.int(), &mut out, &mut scratch).is_err());
        assert!(pow(a.int(), 10, &mut out, &mut scratch).is_err());
        assert!(truediv(b.int(), a.int(), &mut scratch).is_err());
        assert!(shl(a.int(), 1000, &mut out).is_err());
        assert!(and(a.int(), b.int(), &mut out).is_err());
        assert!(from_bytes(&[1; 40], true, true, &mut out).is_err());
        // Unnormalised inputs are trimmed.
        let padded = [5u32, 0, 0];
        assert_eq!(
            cmp(
                Int {
                    neg: true,
                    mag: &[0, 0]
                },
                Int::ZERO
            ),
            Ordering::Equal
        );
        assert_eq!(
            to_i64(Int {
                neg: false,
                mag: &padded
            }),
            Some(5)
        );
    }

    #[test]
    fn random_buffer_sizes_never_panic() {
        let mut rng = Rng(31337);
        let pick = |rng: &mut Rng, want: usize| (rng.next() as usize) % (want + 3);
        for _ in 0..3000 {
            let (a, b) = (rng.big(80), rng.big(40));
            let (x, y) = (a.int(), b.int());
            let (la, lb) = (a.mag.len(), b.mag.len());
            let mut o = vec![0; pick(&mut rng, mul_len(la, lb) + 2)];
            let mut o2 = vec![0; pick(&mut rng, lb + 2)];
            let mut sc = vec![0; pick(&mut rng, modulo_scratch_len(la, lb) + 64)];
            let mut bytes = vec![0u8; pick(&mut rng, to_str_len(la, 7))];
            let n = rng.next() % 300;
            let _ = add(x, y, &mut o);
            let _ = sub(x, y, &mut o);
            let _ = mul(x, y, &mut o, &mut sc);
            let _ = divmod(x, y, &mut o, &mut o2, &mut sc);
            let _ = floordiv(x, y, &mut o, &mut sc);
            let _ = modulo(x, y, &mut o2, &mut sc);
            let _ = truediv(x, y, &mut sc);
            let _ = pow(y, n % 7, &mut o, &mut sc);
            let _ = pow_mod(x, y, y, &mut o2, &mut sc);
            let _ = shl(x, n, &mut o);
            let _ = shr(x, n, &mut o);
            let _ = and(x, y, &mut o);
            let _ = or(x, y, &mut o);
            let _ = xor(x, y, &mut o);
            let _ = invert(x, &mut o);
            let _ = to_str(x, 2 + (n % 35) as u32, &mut bytes, &mut sc);
            let _ = from_str(&bytes, false, 2 + (n % 35) as u32, &mut o);
            let _ = to_bytes(x, n & 1 == 1, n & 2 == 2, &mut bytes);
            let _ = from_bytes(&bytes, n & 1 == 1, n & 2 == 2, &mut o);
            let _ = from_f64(to_f64(x), &mut o);
        }
    }

    #[test]
    fn small_conversions() {
        let mut buf = [0; 2];
        assert_eq!(to_i64(from_i64(i64::MIN, &mut buf)), Some(i64::MIN));
        assert_eq!(to_i64(from_i64(i64::MAX, &mut buf)), Some(i64::MAX));
        assert_eq!(to_i64(from_i64(0, &mut buf)), Some(0));
        assert_eq!(to_u64(from_u64(u64::MAX, &mut buf)), Some(u64::MAX));
        assert_eq!(to_i64(from_u64(u64::MAX, &mut buf)), None);
        assert_eq!(to_i64(big("-9223372036854775809").int()), None);
        assert_eq!(to_u64(big("18446744073709551616").int()), None);
    }
}
