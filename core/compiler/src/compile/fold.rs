//! Constant folding and `const()` substitution over the syntax tree, done where upstream's
//! parser does it (py/parse.c `fold_constants`, `fold_logical_constants`): numeric operator
//! levels with all-number operands, unary `+ - ~`, `not`/`and`/`or` on constants, `math`
//! constants, and `X = const(v)` definitions. Constant tuples are recognised later by the
//! compiler from the folded tree. Also records where each identifier first appears, which
//! decides whether a long string literal is already interned (see `Interned`).
//!
//! Integers fold with arbitrary precision ([`super::bigint`]); floats fold `+ - * / // %`
//! and integral powers (other powers are left to run time).

use super::bigint::BigInt;
use crate::ast::*;
use crate::error::SyntaxError;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
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
    consts: BTreeMap<String, Expr>,
    module_const: Option<fn(&str, &str) -> Option<i64>>,
    /// First line on which each identifier token appears.
    pub idents: BTreeMap<String, u32>,
    depth: usize,
    /// Big-int work spent folding so far (in 32-bit limb operations), see [`FOLD_BUDGET`].
    work: u64,
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

const MAX_DEPTH: usize = 400;

/// Set in `Expr::line` of a `const()`-substituted value: upstream holds a constant object
/// there, not a literal. In `Stmt::line` it marks the `pass` left by a private `const()`
/// definition, whose line only counts for the enclosing block. Real lines never reach it.
pub const CONST_OBJ: u32 = 0x8000_0000;

fn num_of(e: &Expr) -> Option<Num> {
    match &e.kind {
        ExprKind::Int(v) => {
            let b = BigInt::from_i64(*v);
            let obj = host_obj(&b);
            Some(Num::Int(b, obj))
        }
        ExprKind::BigInt(s) => BigInt::parse(s).map(|b| Num::Int(b, true)),
        ExprKind::Float(s) => float_value(s).map(Num::Float),
        _ => None,
    }
}

fn expr_of(n: Num) -> ExprKind {
    match n {
        Num::Int(v, false) => match v.to_i64() {
            Some(x) => ExprKind::Int(x),
            None => ExprKind::BigInt(v.to_decimal()),
        },
        Num::Int(v, true) => ExprKind::BigInt(v.to_decimal()),
        Num::Float(f) => ExprKind::Float(float_text(f)),
    }
}

/// Text for a computed float in the tree: its exact bits as `0x...`, a form no float literal
/// has (NaN signs and all), told apart by [`float_value`].
fn float_text(f: f64) -> String {
    format!("0x{:016x}", f.to_bits())
}

/// The value of a float in the tree: a folded value's exact bits, or a source literal read
/// with upstream's own decimal parser (py/parsenum.c), which is not always correctly
/// rounded.
pub fn float_value(s: &str) -> Option<f64> {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok().map(f64::from_bits),
        None => crate::mpy::float::parse(s),
    }
}

fn to_f(n: &Num) -> f64 {
    match n {
        Num::Int(v, _) => v.to_f64(),
        Num::Float(f) => *f,
    }
}

fn shift_amount(y: &BigInt) -> Option<usize> {
    if y.is_neg() {
        return None;
    }
    y.to_i64().and_then(|v| usize::try_from(v).ok())
}

fn binop(op: BinOp, a: &Num, b: &Num) -> Option<Num> {
    match (a, b) {
        (Num::Int(x, _), Num::Int(y, _)) => {
            let r = match op {
                BinOp::And => x.bitop(y, 0),
                BinOp::Or => x.bitop(y, 1),
                BinOp::Xor => x.bitop(y, 2),
                BinOp::LShift => x.shl(shift_amount(y)?)?,
                BinOp::RShift => match shift_amount(y) {
                    Some(n) => x.shr(n),
                    // A huge shift leaves 0 or -1.
                    None if !y.is_neg() => x.shr(usize::MAX / 2),
                    None => return None,
                },
                BinOp::Add => x.add(y),
                BinOp::Sub => x.sub(y),
                BinOp::Mul => x.mul(y)?,
                BinOp::FloorDiv => x.divmod(y)?.0,
                BinOp::Mod => x.divmod(y)?.1,
                BinOp::TrueDiv => {
                    if y.is_zero() {
                        return None;
                    }
                    return Some(Num::Float(x.to_f64() / y.to_f64()));
                }
                BinOp::Pow => {
                    if y.is_neg() {
                        return float_pow(x.to_f64(), b);
                    }
                    let e = y.to_i64().and_then(|v| u64::try_from(v).ok())?;
                    x.pow(e)?
                }
                BinOp::MatMul => return None,
            };
            // Binary operations normalise results that fit a host small int.
            let obj = host_obj(&r);
            Some(Num::Int(r, obj))
        }
        _ => {
            let (x, y) = (to_f(a), to_f(b));
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
                BinOp::FloorDiv => {
                    if y == 0.0 {
                        return None;
                    }
                    float_divmod(x, y).0
                }
                BinOp::Mod => {
                    if y == 0.0 {
                        return None;
                    }
                    float_divmod(x, y).1
                }
                _ => return None,
            };
            Some(Num::Float(r))
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
fn fmod(x: f64, y: f64) -> f64 {
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
fn float_divmod(x: f64, y: f64) -> (f64, f64) {
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

/// `x ** y` with the C library's `pow`, as upstream folds it. Left unfolded when it would
/// raise (zero to a negative power) or give a complex (negative base, fractional exponent).
fn float_pow(x: f64, y: &Num) -> Option<Num> {
    let yf = match y {
        Num::Int(v, _) => v.to_f64(),
        Num::Float(f) => *f,
    };
    if (x == 0.0 && yf < 0.0) || (x < 0.0 && yf != libm::trunc(yf)) {
        return None;
    }
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

/// Truth value of a constant (None when `e` is not a constant).
pub fn const_truth(e: &Expr) -> Option<bool> {
    if !is_const(e) {
        return None;
    }
    Some(match &e.kind {
        ExprKind::Int(v) => *v != 0,
        ExprKind::BigInt(_) => true,
        ExprKind::Float(s) | ExprKind::Imag(s) => float_value(s).map(|f| f != 0.0).unwrap_or(true),
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
            consts: BTreeMap::new(),
            module_const,
            idents: BTreeMap::new(),
            depth: 0,
            work: 0,
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

    fn ident(&mut self, name: &str, line: u32) {
        let e = self.idents.entry(String::from(name)).or_insert(line);
        if line < *e {
            *e = line;
        }
    }

    pub fn fold_module(&mut self, m: &Module) -> Result<Module, SyntaxError> {
        Ok(Module {
            mode: m.mode,
            body: self.stmts(&m.body)?,
        })
    }

    fn stmts(&mut self, body: &[Stmt]) -> Result<Vec<Stmt>, SyntaxError> {
        let mut out = Vec::with_capacity(body.len());
        for s in body {
            out.push(self.stmt(s)?);
        }
        Ok(out)
    }

    fn opt(&mut self, e: &Option<Expr>) -> Result<Option<Expr>, SyntaxError> {
        match e {
            Some(x) => Ok(Some(self.expr(x)?)),
            None => Ok(None),
        }
    }

    fn params(&mut self, p: &Params, line: u32) -> Result<Params, SyntaxError> {
        let one = |f: &mut Folder, q: &Param| -> Result<Param, SyntaxError> {
            f.ident(&q.name, line);
            Ok(Param {
                name: q.name.clone(),
                annotation: f.opt(&q.annotation)?,
                default: f.opt(&q.default)?,
            })
        };
        let mut args = Vec::new();
        for a in p.args.iter() {
            args.push(one(self, a)?);
        }
        let vararg = match &p.vararg {
            Some(v) => Some(one(self, v)?),
            None => None,
        };
        let mut kwonly = Vec::new();
        for a in p.kwonly.iter() {
            kwonly.push(one(self, a)?);
        }
        let kwarg = match &p.kwarg {
            Some(v) => Some(one(self, v)?),
            None => None,
        };
        Ok(Params {
            args,
            vararg,
            star: p.star,
            kwonly,
            kwarg,
        })
    }

    fn call_args(&mut self, a: &CallArgs) -> Result<CallArgs, SyntaxError> {
        let mut args = Vec::with_capacity(a.args.len());
        for x in a.args.iter() {
            args.push(match x {
                Arg::Positional(e) => Arg::Positional(self.expr(e)?),
                Arg::Star(e) => Arg::Star(self.expr(e)?),
                Arg::DoubleStar(e) => Arg::DoubleStar(self.expr(e)?),
                Arg::Keyword {
                    name,
                    value,
                    name_line,
                } => {
                    self.ident(name, *name_line);
                    Arg::Keyword {
                        name: name.clone(),
                        value: self.expr(value)?,
                        name_line: *name_line,
                    }
                }
                Arg::Generator(e) => Arg::Generator(self.expr(e)?),
            });
        }
        Ok(CallArgs { args })
    }

    fn decorators(&mut self, ds: &[Decorator]) -> Result<Vec<Decorator>, SyntaxError> {
        let mut out = Vec::new();
        for d in ds {
            for n in d.name.iter() {
                self.ident(n, d.line);
            }
            out.push(Decorator {
                line: d.line,
                name: d.name.clone(),
                call: match &d.call {
                    Some(c) => Some(self.call_args(c)?),
                    None => None,
                },
                call_line: d.call_line,
            });
        }
        Ok(out)
    }

    /// `X = const(v)` handling; returns the replacement statement kind if it applies.
    fn const_def(
        &mut self,
        s: &Stmt,
        target: &Expr,
        value: &Expr,
    ) -> Result<Option<StmtKind>, SyntaxError> {
        let name = match &target.kind {
            ExprKind::Name(n) => n.clone(),
            _ => return Ok(None),
        };
        let args = match &value.kind {
            ExprKind::Call { func, args, .. } => match &func.kind {
                ExprKind::Name(f) if f == "const" => args,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let v = match args.args.as_slice() {
            [Arg::Positional(e)] if is_const(e) => e.clone(),
            _ => {
                return Err(SyntaxError::syntax(
                    "not a constant",
                    value.line.max(s.line),
                ))
            }
        };
        self.consts.insert(name.clone(), v.clone());
        if name.starts_with('_') {
            return Ok(Some(StmtKind::Pass));
        }
        Ok(Some(StmtKind::Assign {
            targets: alloc::vec![target.clone()],
            value: v,
        }))
    }

    fn stmt(&mut self, s: &Stmt) -> Result<Stmt, SyntaxError> {
        let line = s.line;
        let kind = match &s.kind {
            StmtKind::Expr(e) => StmtKind::Expr(self.expr(e)?),
            StmtKind::Assign { targets, value } => {
                let mut ts = Vec::new();
                for t in targets.iter() {
                    ts.push(self.expr(t)?);
                }
                let v = self.expr(value)?;
                if ts.len() == 1 {
                    if let Some(k) = self.const_def(s, &ts[0], &v)? {
                        // The `pass` replacing a private constant has no line of its own
                        // upstream; the flag keeps the line for the enclosing block.
                        let l = if matches!(k, StmtKind::Pass) {
                            line | CONST_OBJ
                        } else {
                            line
                        };
                        return Ok(Stmt::new(l, k));
                    }
                }
                StmtKind::Assign {
                    targets: ts,
                    value: v,
                }
            }
            StmtKind::AugAssign { target, op, value } => StmtKind::AugAssign {
                target: self.expr(target)?,
                op: *op,
                value: self.expr(value)?,
            },
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                let t = self.expr(target)?;
                let a = self.expr(annotation)?;
                let v = self.opt(value)?;
                if let Some(vv) = &v {
                    if let Some(k) = self.const_def(s, &t, vv)? {
                        return Ok(match k {
                            StmtKind::Pass => Stmt::new(line | CONST_OBJ, StmtKind::Pass),
                            _ => Stmt::new(
                                line,
                                StmtKind::AnnAssign {
                                    target: t,
                                    annotation: a,
                                    value: match k {
                                        StmtKind::Assign { value, .. } => Some(value),
                                        _ => None,
                                    },
                                },
                            ),
                        });
                    }
                }
                StmtKind::AnnAssign {
                    target: t,
                    annotation: a,
                    value: v,
                }
            }
            StmtKind::Del(ts) => {
                let mut out = Vec::new();
                for t in ts {
                    out.push(self.expr(t)?);
                }
                StmtKind::Del(out)
            }
            StmtKind::Return(v) => StmtKind::Return(self.opt(v)?),
            StmtKind::Raise { exc, cause } => StmtKind::Raise {
                exc: self.opt(exc)?,
                cause: self.opt(cause)?,
            },
            StmtKind::Global(ns) | StmtKind::Nonlocal(ns) => {
                for n in ns {
                    self.ident(n, line);
                }
                s.kind.clone()
            }
            StmtKind::Import(al) => {
                for a in al {
                    for part in a.name.split('.') {
                        self.ident(part, line);
                    }
                    if let Some(n) = &a.asname {
                        self.ident(n, line);
                    }
                }
                s.kind.clone()
            }
            StmtKind::ImportFrom { module, names, .. } => {
                if let Some(m) = module {
                    for part in m.split('.') {
                        self.ident(part, line);
                    }
                }
                if let Some(ns) = names {
                    for a in ns {
                        self.ident(&a.name, line);
                        if let Some(n) = &a.asname {
                            self.ident(n, line);
                        }
                    }
                }
                s.kind.clone()
            }
            StmtKind::Assert { test, msg } => StmtKind::Assert {
                test: self.expr(test)?,
                msg: self.opt(msg)?,
            },
            StmtKind::If {
                test,
                body,
                elifs,
                orelse,
            } => {
                let test = self.expr(test)?;
                let body = self.stmts(body)?;
                let mut es = Vec::new();
                for e in elifs {
                    es.push(Elif {
                        line: e.line,
                        test: self.expr(&e.test)?,
                        body: self.stmts(&e.body)?,
                    });
                }
                StmtKind::If {
                    test,
                    body,
                    elifs: es,
                    orelse: self.stmts(orelse)?,
                }
            }
            StmtKind::While { test, body, orelse } => StmtKind::While {
                test: self.expr(test)?,
                body: self.stmts(body)?,
                orelse: self.stmts(orelse)?,
            },
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => StmtKind::For {
                is_async: *is_async,
                target: self.expr(target)?,
                iter: self.expr(iter)?,
                body: self.stmts(body)?,
                orelse: self.stmts(orelse)?,
            },
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                let body = self.stmts(body)?;
                let mut hs = Vec::new();
                for h in handlers {
                    if let Some(n) = &h.name {
                        self.ident(n, h.line);
                    }
                    hs.push(ExceptHandler {
                        line: h.line,
                        typ: self.opt(&h.typ)?,
                        name: h.name.clone(),
                        body: self.stmts(&h.body)?,
                    });
                }
                StmtKind::Try {
                    body,
                    handlers: hs,
                    orelse: self.stmts(orelse)?,
                    finalbody: match finalbody {
                        Some(f) => Some(self.stmts(f)?),
                        None => None,
                    },
                }
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                let mut its = Vec::new();
                for it in items {
                    its.push(WithItem {
                        context: self.expr(&it.context)?,
                        target: self.opt(&it.target)?,
                    });
                }
                StmtKind::With {
                    is_async: *is_async,
                    items: its,
                    body: self.stmts(body)?,
                }
            }
            StmtKind::FunctionDef(f) => {
                let decorators = self.decorators(&f.decorators)?;
                self.ident(&f.name, f.def_line);
                let params = self.params(&f.params, f.def_line)?;
                let returns = self.opt(&f.returns)?;
                let body = self.stmts(&f.body)?;
                StmtKind::FunctionDef(Box::new(FunctionDef {
                    is_async: f.is_async,
                    decorators,
                    def_line: f.def_line,
                    name: f.name.clone(),
                    params,
                    returns,
                    body,
                }))
            }
            StmtKind::ClassDef(c) => {
                let decorators = self.decorators(&c.decorators)?;
                self.ident(&c.name, c.class_line);
                let args = match &c.args {
                    Some(a) => Some(self.call_args(a)?),
                    None => None,
                };
                let body = self.stmts(&c.body)?;
                StmtKind::ClassDef(Box::new(ClassDef {
                    decorators,
                    class_line: c.class_line,
                    name: c.name.clone(),
                    args,
                    body,
                }))
            }
            #[cfg(feature = "match_stmt")]
            StmtKind::Match { subject, cases } => {
                let subject = self.expr(subject)?;
                let mut cs = Vec::with_capacity(cases.len());
                for c in cases {
                    let pattern = self.pattern(&c.pattern)?;
                    cs.push(MatchCase {
                        line: c.line,
                        pattern,
                        guard: self.opt(&c.guard)?,
                        body: self.stmts(&c.body)?,
                    });
                }
                StmtKind::Match { subject, cases: cs }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => s.kind.clone(),
        };
        Ok(Stmt::new(line, kind))
    }

    #[cfg(feature = "match_stmt")]
    /// Folds the expressions inside a pattern (literals such as `-1`); names a pattern
    /// binds are recorded but never replaced by constants.
    fn pattern(&mut self, p: &Pattern) -> Result<Pattern, SyntaxError> {
        let line = p.line;
        let kind = match &p.kind {
            PatternKind::Value(e) => PatternKind::Value(self.expr(e)?),
            PatternKind::Singleton(e) => PatternKind::Singleton(e.clone()),
            PatternKind::Capture(n) => {
                self.ident(n, line);
                PatternKind::Capture(n.clone())
            }
            PatternKind::Wildcard => PatternKind::Wildcard,
            PatternKind::Star(n) => {
                if let Some(n) = n {
                    self.ident(n, line);
                }
                PatternKind::Star(n.clone())
            }
            PatternKind::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.pattern(i)?);
                }
                PatternKind::Sequence(out)
            }
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                let mut ks = Vec::with_capacity(keys.len());
                let mut ps = Vec::with_capacity(patterns.len());
                for (k, v) in keys.iter().zip(patterns) {
                    ks.push(self.expr(k)?);
                    ps.push(self.pattern(v)?);
                }
                if let Some(r) = rest {
                    self.ident(r, line);
                }
                PatternKind::Mapping {
                    keys: ks,
                    patterns: ps,
                    rest: rest.clone(),
                }
            }
            PatternKind::Class { cls, args, kwargs } => {
                let cls = self.expr(cls)?;
                let mut a = Vec::with_capacity(args.len());
                for x in args {
                    a.push(self.pattern(x)?);
                }
                let mut k = Vec::with_capacity(kwargs.len());
                for (n, x) in kwargs {
                    self.ident(n, line);
                    k.push((n.clone(), self.pattern(x)?));
                }
                PatternKind::Class {
                    cls,
                    args: a,
                    kwargs: k,
                }
            }
            PatternKind::Or(alts) => {
                let mut out = Vec::with_capacity(alts.len());
                for a in alts {
                    out.push(self.pattern(a)?);
                }
                PatternKind::Or(out)
            }
            PatternKind::As(inner, n) => {
                let inner = self.pattern(inner)?;
                self.ident(n, line);
                PatternKind::As(Box::new(inner), n.clone())
            }
        };
        Ok(Pattern { line, kind })
    }

    fn boxed(&mut self, e: &Expr) -> Result<Box<Expr>, SyntaxError> {
        Ok(Box::new(self.expr(e)?))
    }

    pub fn expr(&mut self, e: &Expr) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(super::runtime_error(
                "maximum recursion depth exceeded",
                e.line,
            ));
        }
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<Expr, SyntaxError> {
        let line = e.line;
        let kind = match &e.kind {
            ExprKind::Name(n) => {
                self.ident(n, line);
                if let Some(v) = self.consts.get(n) {
                    // Upstream substitutes a constant *object*: anything but a small int
                    // stays an object (a str is not re-interned, True loads as an object).
                    return Ok(Expr::new(line | CONST_OBJ, v.kind.clone()));
                }
                e.kind.clone()
            }
            ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Imag(_)
            | ExprKind::Str(_)
            | ExprKind::Bytes(_)
            | ExprKind::None
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Ellipsis => e.kind.clone(),
            ExprKind::Tuple {
                elts,
                parens,
                const_line,
            } => {
                let folded = self.list(elts)?;
                // A tuple of constants becomes one constant object upstream, with the line
                // of the rule that built it.
                let mut l = line;
                if !folded.is_empty() && folded.iter().all(is_const) {
                    l = *const_line;
                }
                return Ok(Expr::new(
                    l,
                    ExprKind::Tuple {
                        elts: folded,
                        parens: *parens,
                        const_line: *const_line,
                    },
                ));
            }
            ExprKind::List(elts) => ExprKind::List(self.list(elts)?),
            ExprKind::Set(elts) => ExprKind::Set(self.list(elts)?),
            ExprKind::Dict(items) => {
                let mut out = Vec::new();
                for (k, v) in items {
                    // The item node keeps the key's line even when the key folds away.
                    let mut k2 = self.expr(k)?;
                    if k2.line == 0 {
                        k2.line = k.line;
                    }
                    let k = k2;
                    let v = self.expr(v)?;
                    out.push((k, v));
                }
                ExprKind::Dict(out)
            }
            ExprKind::Comp(c) => {
                // Source order: element after the first iterable in tokens, but the
                // element tokens come first; record them first.
                let mut elt = self.expr(&c.elt)?;
                if elt.line == 0 {
                    elt.line = c.elt.line;
                }
                let value = self.opt(&c.value)?;
                let mut gens = Vec::new();
                for g in c.generators.iter() {
                    gens.push(CompFor {
                        line: g.line,
                        target: self.expr(&g.target)?,
                        iter: self.expr(&g.iter)?,
                        ifs: self.list(&g.ifs)?,
                    });
                }
                ExprKind::Comp(Box::new(Comprehension {
                    line: c.line,
                    kind: c.kind,
                    elt,
                    value,
                    generators: gens,
                }))
            }
            ExprKind::Starred(v) => ExprKind::Starred(self.boxed(v)?),
            ExprKind::NamedExpr { target, value } => {
                self.ident(target, line);
                ExprKind::NamedExpr {
                    target: target.clone(),
                    value: self.boxed(value)?,
                }
            }
            ExprKind::BinOp { first, rest } => {
                let first = self.expr(first)?;
                let mut r = Vec::new();
                for (op, x) in rest {
                    r.push((*op, self.expr(x)?));
                }
                if let Some(mut acc) = num_of(&first) {
                    let mut ok = true;
                    for (op, x) in r.iter() {
                        match num_of(x).and_then(|n| self.fold_binop(*op, &acc, &n)) {
                            Some(v) => acc = v,
                            None => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    if ok {
                        return Ok(Expr::new(0, expr_of(acc)));
                    }
                }
                ExprKind::BinOp {
                    first: Box::new(first),
                    rest: r,
                }
            }
            ExprKind::Power { base, exp } => {
                let b = self.expr(base)?;
                let x = self.expr(exp)?;
                if let (Some(p), Some(q)) = (num_of(&b), num_of(&x)) {
                    if let Some(v) = self.fold_binop(BinOp::Pow, &p, &q) {
                        return Ok(Expr::new(0, expr_of(v)));
                    }
                }
                ExprKind::Power {
                    base: Box::new(b),
                    exp: Box::new(x),
                }
            }
            ExprKind::UnaryOp { op, operand } => {
                let o = self.expr(operand)?;
                let folded = match (op, num_of(&o)) {
                    (UnaryOp::Pos, Some(n)) => Some(n),
                    (UnaryOp::Neg, Some(Num::Int(v, o))) => {
                        let r = v.neg();
                        let obj = o || host_obj(&r);
                        Some(Num::Int(r, obj))
                    }
                    (UnaryOp::Neg, Some(Num::Float(f))) => Some(Num::Float(-f)),
                    (UnaryOp::Invert, Some(Num::Int(v, o))) => {
                        let r = v.invert();
                        let obj = o || host_obj(&r);
                        Some(Num::Int(r, obj))
                    }
                    _ => None,
                };
                if let Some(n) = folded {
                    return Ok(Expr::new(0, expr_of(n)));
                }
                ExprKind::UnaryOp {
                    op: *op,
                    operand: Box::new(o),
                }
            }
            ExprKind::Not(x) => {
                let x = self.expr(x)?;
                match const_truth(&x) {
                    // Upstream makes a plain token leaf (no line).
                    Some(true) => return Ok(Expr::new(0, ExprKind::False)),
                    Some(false) => return Ok(Expr::new(0, ExprKind::True)),
                    None => ExprKind::Not(Box::new(x)),
                }
            }
            ExprKind::Or(vals) | ExprKind::And(vals) => {
                let is_or = matches!(e.kind, ExprKind::Or(_));
                let vals = self.list(vals)?;
                let n = vals.len();
                let mut kept = Vec::new();
                for (k, v) in vals.into_iter().enumerate() {
                    if k + 1 == n {
                        kept.push(v);
                        break;
                    }
                    match const_truth(&v) {
                        Some(t) if t == is_or => {
                            kept.push(v);
                            break;
                        }
                        Some(_) => {}
                        None => kept.push(v),
                    }
                }
                if kept.len() == 1 {
                    if let Some(v) = kept.pop() {
                        return Ok(v);
                    }
                }
                if is_or {
                    ExprKind::Or(kept)
                } else {
                    ExprKind::And(kept)
                }
            }
            ExprKind::Compare { left, ops } => {
                let l = self.boxed(left)?;
                let mut o = Vec::new();
                for (op, x) in ops {
                    o.push((*op, self.expr(x)?));
                }
                ExprKind::Compare { left: l, ops: o }
            }
            ExprKind::IfExp { test, body, orelse } => {
                let b = self.boxed(body)?;
                let t = self.boxed(test)?;
                let o = self.boxed(orelse)?;
                ExprKind::IfExp {
                    test: t,
                    body: b,
                    orelse: o,
                }
            }
            ExprKind::Lambda { params, body } => ExprKind::Lambda {
                params: Box::new(self.params(params, line)?),
                body: self.boxed(body)?,
            },
            ExprKind::Call {
                func,
                args,
                trailer_line,
            } => ExprKind::Call {
                func: self.boxed(func)?,
                args: self.call_args(args)?,
                trailer_line: *trailer_line,
            },
            ExprKind::Attribute {
                value,
                attr,
                trailer_line,
            } => {
                let v = self.boxed(value)?;
                self.ident(attr, *trailer_line);
                if let ExprKind::Name(base) = &value.kind {
                    if base == "math" && !self.consts.contains_key(base) {
                        let f = match attr.as_str() {
                            "pi" => Some(core::f64::consts::PI),
                            "e" => Some(core::f64::consts::E),
                            "tau" => Some(core::f64::consts::TAU),
                            "inf" => Some(f64::INFINITY),
                            "nan" => Some(f64::NAN),
                            _ => None,
                        };
                        if let Some(f) = f {
                            return Ok(Expr::new(0, ExprKind::Float(float_text(f))));
                        }
                    }
                    if !self.consts.contains_key(base) {
                        if let Some(v) = self.module_const.and_then(|f| f(base, attr)) {
                            return Ok(Expr::new(0, expr_of(Num::Int(BigInt::from_i64(v), false))));
                        }
                    }
                }
                ExprKind::Attribute {
                    value: v,
                    attr: attr.clone(),
                    trailer_line: *trailer_line,
                }
            }
            ExprKind::Subscript {
                value,
                index,
                trailer_line,
            } => ExprKind::Subscript {
                value: self.boxed(value)?,
                index: self.boxed(index)?,
                trailer_line: *trailer_line,
            },
            ExprKind::Slice {
                lower,
                upper,
                step,
                has_step,
            } => ExprKind::Slice {
                lower: self.opt_box(lower)?,
                upper: self.opt_box(upper)?,
                step: self.opt_box(step)?,
                has_step: *has_step,
            },
            ExprKind::Await(v) => ExprKind::Await(self.boxed(v)?),
            ExprKind::Yield(v) => ExprKind::Yield(self.opt_box(v)?),
            ExprKind::YieldFrom(v) => ExprKind::YieldFrom(self.boxed(v)?),
        };
        Ok(Expr::new(line, kind))
    }

    fn opt_box(&mut self, e: &Option<Box<Expr>>) -> Result<Option<Box<Expr>>, SyntaxError> {
        match e {
            Some(x) => Ok(Some(self.boxed(x)?)),
            None => Ok(None),
        }
    }

    fn list(&mut self, v: &[Expr]) -> Result<Vec<Expr>, SyntaxError> {
        let mut out = Vec::with_capacity(v.len());
        for x in v {
            out.push(self.expr(x)?);
        }
        Ok(out)
    }
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
