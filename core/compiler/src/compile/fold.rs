//! Constant folding and `const()` substitution, done when upstream's parser does it
//! (py/parse.c `fold_constants`, `fold_logical_constants`): numeric operator levels with
//! all-number operands, unary `+ - ~`, `not`/`and`/`or` on constants, `math` constants,
//! and `X = const(v)` definitions. Constant tuples are recognised later by the compiler
//! from the folded tree.
//!
//! The parser hands each node to [`Folder::node`] as it builds it (children first, in
//! source order) and each statement to [`Folder::stmt`], so no pass walks the tree; only
//! constants are ever copied, and the first error is kept aside rather than returned from
//! every step. All of that keeps the folder's code small, which counts on a
//! microcontroller.
//!
//! Integers fold with arbitrary precision ([`super::bigint`], over the runtime's [`crate::mpz`]); floats fold `+ - * / // %`
//! and integral powers (other powers are left to run time).

use super::bigint::BigInt;
use crate::ast::*;
use crate::error::SyntaxError;
use crate::strmap::StrMap;

use alloc::string::String;
use alloc::vec::Vec;

/// A number during folding. The flag of `Int` says the value is a big-int *object* in
/// upstream's compiler (mpy-cross runs on a 64-bit host whose small ints have 63 bits): a
/// literal or result outside that range, or the negation/inversion of such an object (unary
/// operators do not normalise there). Those stay constant objects even when the value would
/// fit the target's small int.
#[derive(Clone, Debug, PartialEq)]
enum Num {
    Int(BigInt, bool),
    Float(f64),
}

const HOST_SMALL_MIN: i64 = -(1 << 62);
const HOST_SMALL_MAX: i64 = (1 << 62) - 1;

fn host_obj(v: &BigInt) -> bool {
    !v.to_i64()
        .is_some_and(|x| (HOST_SMALL_MIN..=HOST_SMALL_MAX).contains(&x))
}

pub struct Folder {
    /// `const()` names; `const_values` holds each one's latest value, by the name's number.
    consts: StrMap,
    const_values: Vec<Expr>,
    module_const: Option<fn(&str, &str) -> Option<i64>>,
    /// The first error found (see [`Folder::fail`]); the parser reports it at the end.
    pub error: Option<SyntaxError>,
    /// Big-int work spent folding so far (in 32-bit limb operations), see [`FOLD_BUDGET`].
    /// The parser rewinds it with its tokens when it backtracks.
    pub work: u64,
    /// See [`Folder::folded_line`].
    folded_line: u32,
}

/// Each big-int fold is bounded in size, but a line may hold thousands of them (the fuzzer
/// found one that took minutes to compile): past this much work in one module the rest is
/// left to run time, where Ctrl-C can stop it. Real programs stay far below it (a fold of a
/// 25,000-bit power costs about 8M, a few milliseconds).
const FOLD_BUDGET: u64 = 400_000_000;

/// An estimate of the limb operations `a op b` costs, for [`FOLD_BUDGET`].
fn fold_cost(op: BinOp, a: &Num, b: &Num) -> u64 {
    let (Num::Int(x, _), Num::Int(y, _)) = (a, b) else {
        return 1;
    };
    let limbs = |bits: usize| (bits / 32 + 1) as u64;
    let (lx, ly) = (limbs(x.bit_len()), limbs(y.bit_len()));
    match op {
        BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => lx.saturating_mul(ly),
        BinOp::Pow => {
            let e = y.to_i64().unwrap_or(i64::MAX).unsigned_abs();
            // Repeated squaring: the last, half-size squaring dominates.
            let result = lx.saturating_mul(e);
            result.saturating_mul(result) / 4
        }
        BinOp::LShift => lx.saturating_add(y.to_i64().unwrap_or(i64::MAX).unsigned_abs() / 32),
        _ => lx.saturating_add(ly),
    }
}

/// Set in `Expr::line` of a `const()`-substituted value: upstream holds a constant object
/// there, not a literal. In `Stmt::line` it marks the `pass` left by a private `const()`
/// definition, whose line only counts for the enclosing block. Real lines never reach it.
pub const CONST_OBJ: u32 = 0x8000_0000;

fn num_of(e: &Expr) -> Option<Num> {
    match &e.kind {
        ExprKind::Int(v) => Some(Num::Int(
            BigInt::from_i64(*v),
            !(HOST_SMALL_MIN..=HOST_SMALL_MAX).contains(v),
        )),
        ExprKind::BigInt(s) => BigInt::parse(s).map(|b| Num::Int(b, true)),
        ExprKind::Float(s) => float_value(s).map(Num::Float),
        _ => None,
    }
}

/// The tree node for a folded number (`None` if its digits cannot be had, as when Ctrl-C
/// interrupts their conversion: the expression then stays unfolded).
fn expr_of(n: Num) -> Option<ExprKind> {
    Some(match n {
        Num::Int(v, false) => match v.to_i64() {
            Some(x) => ExprKind::Int(x),
            None => ExprKind::BigInt(v.to_decimal()?),
        },
        Num::Int(v, true) => ExprKind::BigInt(v.to_decimal()?),
        Num::Float(f) => ExprKind::Float(float_text(f)),
    })
}

/// Text for a computed float in the tree: its exact bits as `0x...`, a form no float literal
/// has (NaN signs and all), told apart by [`float_value`].
fn float_text(f: f64) -> String {
    // By hand rather than through core::fmt, as `float_value` reads it back.
    let bits = real(f).to_bits();
    let mut s = String::from("0x");
    for i in (0..16).rev() {
        s.push(char::from(
            b"0123456789abcdef"[(bits >> (4 * i)) as usize & 15],
        ));
    }
    s
}

/// A folded value at the target's float precision: with `float32` each fold rounds to
/// single precision, as upstream's float32 boards fold in `float`.
fn real(x: f64) -> f64 {
    #[cfg(feature = "float32")]
    let x = f64::from(x as f32);
    x
}

/// The float type folds compute in: single with `float32` (the same results as rounding
/// double results, with no double arithmetic linked into such builds).
#[cfg(feature = "float32")]
type Fl = f32;
#[cfg(not(feature = "float32"))]
type Fl = f64;

/// A value of the tree (at the target's precision already) as an [`Fl`].
#[cfg(not(feature = "float32"))]
fn narrow(x: f64) -> Fl {
    x
}

/// A value of the tree (at the target's precision already) as an [`Fl`] (black_box: else
/// LLVM turns single comparisons of it back into double ones).
#[cfg(feature = "float32")]
fn narrow(x: f64) -> Fl {
    core::hint::black_box(x as f32)
}

#[allow(clippy::useless_conversion)]
fn wide(x: Fl) -> f64 {
    f64::from(x)
}

/// An int as a float at the target's precision.
#[cfg(not(feature = "float32"))]
fn big_real(v: &BigInt) -> f64 {
    v.to_f64()
}

/// An int as a float at the target's precision: with `float32`, rounded once to single
/// precision (no double arithmetic).
#[cfg(feature = "float32")]
fn big_real(v: &BigInt) -> f64 {
    f64::from(v.to_f32())
}

/// The value of a float in the tree: a folded value's exact bits, or a source literal read
/// with upstream's own decimal parser (py/parsenum.c), which is not always correctly
/// rounded.
pub fn float_value(s: &str) -> Option<f64> {
    match s.strip_prefix("0x") {
        Some(hex) => {
            if hex.is_empty() || hex.len() > 16 {
                return None;
            }
            let mut bits = 0u64;
            for c in hex.bytes() {
                bits = bits << 4 | u64::from(char::from(c).to_digit(16)?);
            }
            Some(f64::from_bits(bits))
        }
        None => crate::mpy::float::parse(s),
    }
}

fn to_f(n: &Num) -> f64 {
    match n {
        Num::Int(v, _) => big_real(v),
        Num::Float(f) => *f,
    }
}

fn binop(op: BinOp, a: &Num, b: &Num) -> Option<Num> {
    match (a, b) {
        // `/` and negative powers of ints are the float operations on their values.
        (Num::Int(x, _), Num::Int(y, _))
            if op != BinOp::TrueDiv && !(op == BinOp::Pow && y.is_neg()) =>
        {
            let r = x.binop(op, y)?;
            // Binary operations normalise results that fit a host small int.
            let obj = host_obj(&r);
            Some(Num::Int(r, obj))
        }
        _ => {
            let (x, y) = (narrow(to_f(a)), narrow(to_f(b)));
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::TrueDiv => {
                    if y == 0.0 {
                        return None;
                    }
                    x / y
                }
                BinOp::Pow => return float_pow(x, b),
                BinOp::FloorDiv | BinOp::Mod => {
                    if y == 0.0 {
                        return None;
                    }
                    let (q, r) = divmod(x, y);
                    if op == BinOp::Mod {
                        r
                    } else {
                        q
                    }
                }
                _ => return None,
            };
            Some(Num::Float(wide(r)))
        }
    }
}

fn copysign(mag: f64, sign: f64) -> f64 {
    f64::from_bits((mag.to_bits() & !(1 << 63)) | (sign.to_bits() & (1 << 63)))
}

fn floor(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 || x.abs() >= 4503599627370496.0 {
        return x;
    }
    let t = (x as i64) as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// C's `fmod` (exact), after musl's bit-level algorithm.
pub fn fmod(x: f64, y: f64) -> f64 {
    let mut ux = x.to_bits();
    let mut uy = y.to_bits();
    let mut ex = ((ux >> 52) & 0x7ff) as i64;
    let mut ey = ((uy >> 52) & 0x7ff) as i64;
    let sx = ux >> 63;
    if uy << 1 == 0 || y.is_nan() || ex == 0x7ff {
        // C returns the default NaN (sign bit set on x86) here.
        return -f64::NAN;
    }
    if ux << 1 <= uy << 1 {
        if ux << 1 == uy << 1 {
            return 0.0 * x;
        }
        return x;
    }
    if ex == 0 {
        let mut i = ux << 12;
        while i >> 63 == 0 {
            ex -= 1;
            i <<= 1;
        }
        ux <<= (1 - ex) as u64;
    } else {
        ux &= u64::MAX >> 12;
        ux |= 1 << 52;
    }
    if ey == 0 {
        let mut i = uy << 12;
        while i >> 63 == 0 {
            ey -= 1;
            i <<= 1;
        }
        uy <<= (1 - ey) as u64;
    } else {
        uy &= u64::MAX >> 12;
        uy |= 1 << 52;
    }
    while ex > ey {
        let i = ux.wrapping_sub(uy);
        if i >> 63 == 0 {
            if i == 0 {
                return 0.0 * x;
            }
            ux = i;
        }
        ux <<= 1;
        ex -= 1;
    }
    let i = ux.wrapping_sub(uy);
    if i >> 63 == 0 {
        if i == 0 {
            return 0.0 * x;
        }
        ux = i;
    }
    while ux >> 52 == 0 {
        ux <<= 1;
        ex -= 1;
    }
    if ex > 0 {
        ux -= 1 << 52;
        ux |= (ex as u64) << 52;
    } else {
        ux >>= (1 - ex) as u64;
    }
    f64::from_bits(ux | sx << 63)
}

/// Python float `divmod` as MicroPython computes it (py/objfloat.c).
pub fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = fmod(x, y);
    let mut div = (x - m) / y;
    if m == 0.0 {
        m = copysign(0.0, y);
    } else if (m < 0.0) != (y < 0.0) {
        m += y;
        div -= 1.0;
    }
    let fd = if div == 0.0 {
        copysign(0.0, x / y)
    } else {
        let f = floor(div);
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    };
    (fd, m)
}

/// Float floor division and modulo at the target's float precision.
fn divmod(x: Fl, y: Fl) -> (Fl, Fl) {
    #[cfg(feature = "float32")]
    return crate::mpy::float::divmod32(x, y);
    #[cfg(not(feature = "float32"))]
    float_divmod(x, y)
}

/// `x ** y` with the C library's `pow`, as upstream folds it. Left unfolded when it would
/// raise (zero to a negative power) or give a complex (negative base, fractional exponent).
fn float_pow(x: Fl, y: &Num) -> Option<Num> {
    let yf = narrow(to_f(y));
    #[cfg(feature = "float32")]
    let integral = libm::truncf(yf) == yf;
    #[cfg(not(feature = "float32"))]
    let integral = libm::trunc(yf) == yf;
    if (x == 0.0 && yf < 0.0) || (x < 0.0 && !integral) {
        return None;
    }
    #[cfg(feature = "float32")]
    return Some(Num::Float(f64::from(libm::powf(x, yf))));
    #[cfg(not(feature = "float32"))]
    Some(Num::Float(libm::pow(x, yf)))
}

/// Whether an expression is a parse-time constant (`mp_parse_node_is_const`).
pub fn is_const(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::BigInt(_)
        | ExprKind::Float(_)
        | ExprKind::Imag(_)
        | ExprKind::Str(_)
        | ExprKind::Bytes(_)
        | ExprKind::None
        | ExprKind::True
        | ExprKind::False
        | ExprKind::Ellipsis => true,
        ExprKind::Tuple { elts, parens, .. } => {
            if elts.is_empty() {
                *parens
            } else {
                elts.iter().all(is_const)
            }
        }
        _ => false,
    }
}

/// A copy of `e`'s value if it is a parse-time constant ([`is_const`]), for `const()`
/// definitions and their uses (only constants are copied, so the whole tree needs no
/// `Clone` code).
fn copy_const(e: &Expr) -> Option<Expr> {
    let kind = match &e.kind {
        ExprKind::Int(v) => ExprKind::Int(*v),
        ExprKind::BigInt(s) => ExprKind::BigInt(s.clone()),
        ExprKind::Float(s) => ExprKind::Float(s.clone()),
        ExprKind::Imag(s) => ExprKind::Imag(s.clone()),
        ExprKind::Str(s) => ExprKind::Str(s.clone()),
        ExprKind::Bytes(b) => ExprKind::Bytes(b.clone()),
        ExprKind::None => ExprKind::None,
        ExprKind::True => ExprKind::True,
        ExprKind::False => ExprKind::False,
        ExprKind::Ellipsis => ExprKind::Ellipsis,
        ExprKind::Tuple {
            elts,
            parens,
            const_line,
        } if *parens || !elts.is_empty() => {
            let mut copies = Vec::with_capacity(elts.len());
            for x in elts {
                copies.push(copy_const(x)?);
            }
            ExprKind::Tuple {
                elts: copies,
                parens: *parens,
                const_line: *const_line,
            }
        }
        _ => return None,
    };
    Some(Expr::new(e.line, kind))
}

/// Truth value of a constant (None when `e` is not a constant).
pub fn const_truth(e: &Expr) -> Option<bool> {
    if !is_const(e) {
        return None;
    }
    Some(match &e.kind {
        ExprKind::Int(v) => *v != 0,
        ExprKind::BigInt(_) => true,
        ExprKind::Float(s) | ExprKind::Imag(s) => {
            // By the bits (all but the sign): no float comparison linked.
            float_value(s)
                .map(|f| core::hint::black_box(f.to_bits()) << 1 != 0)
                .unwrap_or(true)
        }
        ExprKind::Str(s) => !s.is_empty(),
        ExprKind::Bytes(b) => !b.is_empty(),
        ExprKind::None | ExprKind::False => false,
        ExprKind::True | ExprKind::Ellipsis => true,
        ExprKind::Tuple { elts, .. } => !elts.is_empty(),
        _ => true,
    })
}

impl Folder {
    pub fn new(module_const: Option<fn(&str, &str) -> Option<i64>>) -> Self {
        Folder {
            consts: StrMap::default(),
            const_values: Vec::new(),
            module_const,
            error: None,
            work: 0,
            folded_line: 0,
        }
    }

    /// [`binop`] within the module's folding budget.
    fn fold_binop(&mut self, op: BinOp, a: &Num, b: &Num) -> Option<Num> {
        let cost = fold_cost(op, a, b);
        if self.work.saturating_add(cost) > FOLD_BUDGET {
            return None;
        }
        self.work += cost;
        binop(op, a, b)
    }

    /// Records the first error, in source order; parsing and folding go on (the error is
    /// reported once the whole input has parsed) so that no step needs to check for it.
    fn fail(&mut self, e: SyntaxError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// `X = const(v)` handling on a folded single-target assignment at `line`: records
    /// the constant and returns its value when the statement is such a definition.
    fn const_def(&mut self, line: u32, target: &Expr, value: &Expr) -> Option<Expr> {
        let ExprKind::Name(name) = &target.kind else {
            return None;
        };
        let args = match &value.kind {
            ExprKind::Call { func, args, .. } => match &func.kind {
                ExprKind::Name(f) if f == "const" => args,
                _ => return None,
            },
            _ => return None,
        };
        let v = match args.args.as_slice() {
            [Arg::Positional(e)] => copy_const(e),
            _ => None,
        };
        let Some(v) = v else {
            self.fail(SyntaxError::syntax("not a constant", value.line.max(line)));
            return None;
        };
        let copy = copy_const(&v)?;
        match self.consts.add(name) {
            (_, true) => self.const_values.push(copy),
            (i, false) => {
                if let Some(old) = self.const_values.get_mut(i) {
                    *old = copy;
                }
            }
        }
        Some(v)
    }

    /// A statement just parsed: an `X = const(v)` definition is recorded and its value
    /// replaced by the constant; a private one (`_X`) becomes `pass`.
    pub fn stmt(&mut self, s: &mut Stmt) {
        let line = s.line;
        let (target, value) = match &mut s.kind {
            StmtKind::Assign { targets, value } => match targets.as_slice() {
                [t] => (t, value),
                _ => return,
            },
            StmtKind::AnnAssign {
                target,
                value: Some(value),
                ..
            } => (&*target, value),
            _ => return,
        };
        let Some(v) = self.const_def(line, target, value) else {
            return;
        };
        if !private_name(target) {
            *value = v;
            return;
        }
        // The `pass` replacing a private constant has no line of its own upstream; the
        // flag keeps the line for the enclosing block.
        *s = Stmt::new(line | CONST_OBJ, StmtKind::Pass);
    }

    /// A node just built, its children folded already: what it folds to, or itself.
    /// Upstream folds as its parser builds nodes, and so does ours when compiling, which
    /// keeps the source order `const()` substitution needs without a pass over the tree.
    pub fn node(&mut self, mut e: Expr) -> Expr {
        let line = e.line;
        let folded: Option<Expr> = match &mut e.kind {
            // Upstream substitutes a constant *object*: anything but a small int stays an
            // object (a str is not re-interned, True loads as an object).
            ExprKind::Name(n) => self
                .consts
                .find(n)
                .and_then(|i| self.const_values.get(i))
                .and_then(copy_const)
                .map(|v| Expr::new(line | CONST_OBJ, v.kind)),
            ExprKind::Tuple {
                elts, const_line, ..
            } => {
                // A tuple of constants becomes one constant object upstream, with the line
                // of the rule that built it.
                if !elts.is_empty() && elts.iter().all(is_const) {
                    e.line = *const_line;
                }
                None
            }
            ExprKind::BinOp { first, rest } => {
                let mut acc = num_of(first);
                for (op, x) in rest.iter() {
                    let Some(a) = acc else { break };
                    acc = num_of(x).and_then(|b| self.fold_binop(*op, &a, &b));
                }
                acc.and_then(expr_of).map(|k| Expr::new(0, k))
            }
            ExprKind::Power { base, exp } => match (num_of(base), num_of(exp)) {
                (Some(p), Some(q)) => self
                    .fold_binop(BinOp::Pow, &p, &q)
                    .and_then(expr_of)
                    .map(|k| Expr::new(0, k)),
                _ => None,
            },
            ExprKind::UnaryOp { op, operand } => {
                let folded = match (*op, num_of(operand)) {
                    (UnaryOp::Pos, Some(n)) => Some(n),
                    (UnaryOp::Neg, Some(Num::Int(v, o))) => {
                        let r = v.neg();
                        let obj = o || host_obj(&r);
                        Some(Num::Int(r, obj))
                    }
                    (UnaryOp::Neg, Some(Num::Float(f))) => Some(Num::Float(-f)),
                    (UnaryOp::Invert, Some(Num::Int(v, o))) => v.invert().map(|r| {
                        let obj = o || host_obj(&r);
                        Num::Int(r, obj)
                    }),
                    _ => None,
                };
                folded.and_then(expr_of).map(|k| Expr::new(0, k))
            }
            // Upstream makes a plain token leaf (no line).
            ExprKind::Not(x) => const_truth(x)
                .map(|t| Expr::new(0, if t { ExprKind::False } else { ExprKind::True })),
            ExprKind::Or(vals) => logical(vals, true),
            ExprKind::And(vals) => logical(vals, false),
            ExprKind::Attribute { value, attr, .. } => match &value.kind {
                ExprKind::Name(base) => self.module_attr(base, attr),
                _ => None,
            },
            _ => None,
        };
        match folded {
            Some(f) => {
                self.folded_line = line;
                f
            }
            None => e,
        }
    }

    /// The line a node had before it last folded: a dict key and a comprehension's element
    /// keep it when they fold away (the parser asks right after building them).
    pub fn folded_line(&self) -> u32 {
        self.folded_line
    }

    /// `math.pi` and the like, and integer constants of other built-in modules.
    fn module_attr(&self, base: &str, attr: &str) -> Option<Expr> {
        if base == "math" {
            const VALUES: [f64; 5] = [
                core::f64::consts::PI,
                core::f64::consts::E,
                core::f64::consts::TAU,
                f64::INFINITY,
                f64::NAN,
            ];
            let names = "\x02pi\x01e\x03tau\x03inf\x03nan".as_bytes();
            if let Some(&f) =
                crate::strmap::packed_index(names, attr.as_bytes()).and_then(|i| VALUES.get(i))
            {
                return Some(Expr::new(0, ExprKind::Float(float_text(f))));
            }
        }
        let v = self.module_const.and_then(|f| f(base, attr))?;
        Some(Expr::new(0, expr_of(Num::Int(BigInt::from_i64(v), false))?))
    }
}

/// `a or b or ...` / `a and b and ...` (`is_or` false) with folded operands: drops
/// the constant operands that cannot decide the result and everything after the first
/// that does; what a single remaining operand folds the node to.
fn logical(vals: &mut Vec<Expr>, is_or: bool) -> Option<Expr> {
    let n = vals.len();
    let mut kept = 0;
    for k in 0..n {
        let truth = if k + 1 == n {
            None
        } else {
            const_truth(&vals[k])
        };
        if truth != Some(!is_or) {
            vals.swap(kept, k);
            kept += 1;
        }
        if truth == Some(is_or) {
            break;
        }
    }
    vals.truncate(kept);
    if kept == 1 {
        vals.pop()
    } else {
        None
    }
}

/// Whether a `const()` definition's target is private (`_X`): upstream drops those.
fn private_name(target: &Expr) -> bool {
    matches!(&target.kind, ExprKind::Name(n) if n.starts_with('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_floor_and_mod_follow_python() {
        assert_eq!(float_divmod(7.0, 2.0), (3.0, 1.0));
        assert_eq!(float_divmod(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(float_divmod(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(float_divmod(2.5, 0.5), (5.0, 0.0));
        assert_eq!(fmod(5.5, 2.0), 1.5);
        assert!(float_divmod(-1.0, 3.0).1 > 0.0);
        assert!(float_divmod(0.0, -3.0).1.is_sign_negative());
        assert_eq!(floor(-0.5), -1.0);
        assert_eq!(floor(2.0), 2.0);
    }

    #[test]
    fn constants_are_copied_whole_and_nothing_else() {
        let srcs = [
            "1",
            "10**30",
            "1.5",
            "2j",
            "'s'",
            "b'b'",
            "None",
            "True",
            "False",
            "...",
            "()",
            "(1, ('a', b'', ()), 2.5)",
            "x",
            "(1, x)",
            "[1]",
            "-1",
            "f(1)",
        ];
        for src in srcs {
            let m = crate::parse::parse(src, ParseMode::Eval).expect("parses");
            let Some(StmtKind::Expr(e)) = m.body.first().map(|s| &s.kind) else {
                panic!("{src}");
            };
            match copy_const(e) {
                Some(c) => {
                    assert!(is_const(e), "{src}");
                    assert_eq!(&c, e, "{src}");
                }
                None => assert!(!is_const(e), "{src}"),
            }
        }
    }

    #[test]
    fn the_first_error_in_source_order_is_reported() {
        let src = "X = const(y)\nif 1:\n    Z = const(w)\n";
        let Err(e) = crate::parse::parse_for_compile(
            src.as_bytes(),
            ParseMode::File,
            &crate::parse::ParseOptions::default(),
            None,
        ) else {
            panic!("not a constant");
        };
        assert_eq!((e.msg.as_str(), e.line), ("not a constant", 1));
    }

    #[test]
    fn nodes_fold_as_built() {
        let mut f = Folder::new(None);
        let int = |v: i64| Expr::new(2, ExprKind::Int(v));
        let sum = Expr::new(
            5,
            ExprKind::BinOp {
                first: alloc::boxed::Box::new(int(1)),
                rest: alloc::vec![(BinOp::Add, int(2))],
            },
        );
        assert_eq!(f.node(sum), Expr::new(0, ExprKind::Int(3)));
        assert_eq!(f.folded_line(), 5);
        let name = Expr::new(7, ExprKind::Name("x".into()));
        assert_eq!(f.node(name.clone()), name);
    }

    #[test]
    fn big_int_folding_stops_at_the_budget() {
        let int = |v: i64| Num::Int(BigInt::from_i64(v), false);
        // One fold at the size limit costs a few million; the budget allows dozens.
        let big = binop(BinOp::Pow, &int(7), &int(9000)).expect("fits");
        let cost = fold_cost(BinOp::Pow, &big, &int(2));
        assert!(cost > 100_000 && cost < FOLD_BUDGET / 100, "{cost}");
        let mut f = Folder::new(None);
        let mut folded = 0;
        for _ in 0..3000 {
            if f.fold_binop(BinOp::Pow, &big, &int(2)).is_some() {
                folded += 1;
            }
        }
        assert!(folded > 100 && folded < 3000, "{folded}");
        // Cheap folds still happen after the budget is spent on big ones.
        assert!(f.fold_binop(BinOp::Add, &int(1), &int(2)).is_some());
    }
}
