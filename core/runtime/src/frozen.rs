//! Frozen modules: Python code compiled at build time into static data (MicroPython's
//! manifest freezing). A port's build script runs `upy-freeze` over a folder of `.py`/`.mpy`
//! files; the generated Rust holds, per module, the qstr table, the constant objects and the
//! raw codes with their bytecode — all `static`, so importing runs the bytecode in place and
//! allocates only the module, its namespace and a five-word context.
//!
//! Names the runtime's own static table lacks form the frozen qstr pool, with ids from
//! [`QSTR_BASE`] up; names it has resolve to the built-in ids at compile time
//! ([`qstr`]), so every name still has exactly one id. The port installs its table with
//! [`install`] before `init`; `sys.path`'s `.frozen` entry then finds the modules by path.

use crate::emitglue::{Context, RawCode};
use crate::obj::{ObjBase, PyResult};
use crate::objs::{complex::Complex, float::Float, int::BigInt, str::Str, tuple::Tuple};
use crate::qstr::Qstr;
use crate::value::Value;
use core::sync::atomic::{AtomicPtr, Ordering};

/// First id of the frozen qstr pool. Far above any count of dynamic qstrs, and small enough
/// for a qstr value on 32-bit targets (29 bits of id).
pub const QSTR_BASE: u32 = 1 << 24;

/// One frozen module.
pub struct FrozenModule {
    /// Path below `.frozen/`: `name.py`, `pkg/__init__.py`, `pkg/sub.py` (`.mpy` when the
    /// source was a `.mpy` file). It is also the module's `__file__`, as upstream.
    pub path: &'static str,
    /// The module's qstr table (entry 0 is `path`, the source name in tracebacks).
    pub qstrs: &'static [Qstr],
    pub consts: &'static [Value],
    pub code: &'static RawCode,
}

/// Everything a port freezes: its modules and the names they add.
pub struct Frozen {
    pub modules: &'static [FrozenModule],
    /// The frozen qstr pool; id `QSTR_BASE + i` is `qstrs[i]` (entries that are built-in
    /// names are never used as ids: [`qstr`] resolves those to the built-in ones).
    pub qstrs: &'static [&'static str],
    pub qstr_hashes: &'static [u16],
    /// `(hash, index)` of every pool entry, sorted.
    pub qstr_by_hash: &'static [(u16, u32)],
}

/// A static object whose layout holds raw pointers (to other static data); the runtime
/// never writes to frozen objects, so sharing them is sound.
#[repr(transparent)]
pub struct Static<T>(pub T);

// SAFETY: frozen objects are immutable (hashes and lengths are precomputed so the runtime's
// caches never write to them) and the runtime is single-threaded.
unsafe impl<T> Sync for Static<T> {}

/// A child raw-code pointer in a static table.
#[repr(transparent)]
pub struct CodeRef(pub &'static RawCode);

/// A tuple with its items inline, laid out as a heap tuple is.
#[repr(C)]
pub struct StaticTuple<const N: usize> {
    pub head: Tuple,
    pub items: [Value; N],
}

/// A big int with its digits inline, laid out as a heap big int is.
#[repr(C)]
pub struct StaticBigInt<const N: usize> {
    pub head: BigInt,
    pub digits: [u32; N],
}

// --- constructors used by generated code ---

/// The id of a frozen name: the built-in one when the runtime has it, else its pool slot.
pub const fn qstr(s: &str, pool_index: u32) -> Qstr {
    match crate::qstr::find_static_const(s) {
        Some(q) => q,
        None => Qstr(QSTR_BASE + pool_index),
    }
}

const fn char_count(b: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] & 0xc0 != 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// A `str` constant with its hash and length cache filled in.
pub const fn str_obj(s: &'static str) -> Static<Str> {
    Static(Str {
        base: ObjBase::new(&crate::objs::str::TYPE),
        hash: crate::qstr::compute_hash(s.as_bytes()),
        chars1: (char_count(s.as_bytes()) + 1) as u32,
        len: s.len(),
        data: s.as_ptr(),
    })
}

/// A `bytes` constant with its hash filled in.
pub const fn bytes_obj(b: &'static [u8]) -> Static<Str> {
    Static(Str {
        base: ObjBase::new(&crate::objs::str::BYTES_TYPE),
        hash: crate::qstr::compute_hash(b),
        chars1: 0,
        len: b.len(),
        data: b.as_ptr(),
    })
}

pub const fn float(value: f64) -> Float {
    Float {
        base: ObjBase::new(&crate::objs::float::TYPE),
        value: crate::objs::float::narrow(value),
    }
}

pub const fn complex(real: f64, imag: f64) -> Complex {
    Complex {
        base: ObjBase::new(&crate::objs::complex::TYPE),
        real: crate::objs::float::narrow(real),
        imag: crate::objs::float::narrow(imag),
    }
}

pub const fn tuple<const N: usize>(items: [Value; N]) -> StaticTuple<N> {
    StaticTuple {
        head: Tuple {
            base: ObjBase::new(&crate::objs::tuple::TYPE),
            len: N,
        },
        items,
    }
}

/// A big int from normalised little-endian base-2^32 digits.
pub const fn big_int<const N: usize>(neg: bool, digits: [u32; N]) -> StaticBigInt<N> {
    StaticBigInt {
        head: BigInt {
            base: ObjBase::new(&crate::objs::int::TYPE),
            neg,
            len: N,
        },
        digits,
    }
}

// --- the installed table ---

static INSTALLED: AtomicPtr<Frozen> = AtomicPtr::new(core::ptr::null_mut());

/// Make `frozen` the frozen modules of this program. Call once, before `init`: qstrs
/// interned earlier would not know the frozen names.
pub fn install(frozen: &'static Frozen) {
    INSTALLED.store(frozen as *const Frozen as *mut Frozen, Ordering::Relaxed);
}

/// The installed table, if the port froze anything.
pub fn installed() -> Option<&'static Frozen> {
    let p = INSTALLED.load(Ordering::Relaxed);
    // SAFETY: only `install` stores here, from a `&'static Frozen`.
    unsafe { p.cast_const().as_ref() }
}

pub(crate) fn qstr_str(i: u32) -> &'static str {
    installed()
        .and_then(|f| f.qstrs.get(i as usize))
        .copied()
        .unwrap_or("")
}

pub(crate) fn qstr_hash(i: u32) -> u32 {
    installed()
        .and_then(|f| f.qstr_hashes.get(i as usize))
        .map_or(1, |&h| h as u32)
}

/// A frozen pool name, given its hash (`qstr::compute_hash`). The built-in table, the
/// frozen pool and the dynamic pool hold disjoint names, so callers may look in any order.
pub(crate) fn find_qstr(s: &str, h: u32) -> Option<Qstr> {
    let f = installed()?;
    let h = h as u16;
    let start = f.qstr_by_hash.partition_point(|&(eh, _)| eh < h);
    f.qstr_by_hash
        .get(start..)?
        .iter()
        .take_while(|&&(eh, _)| eh == h)
        .find(|&&(_, i)| f.qstrs.get(i as usize) == Some(&s))
        .map(|&(_, i)| Qstr(QSTR_BASE + i))
}

/// Every frozen module.
pub fn modules() -> &'static [FrozenModule] {
    installed().map_or(&[], |f| f.modules)
}

/// The module frozen at `path` (below `.frozen/`).
pub fn find(path: &str) -> Option<&'static FrozenModule> {
    modules().iter().find(|m| m.path == path)
}

/// Whether `path` (below `.frozen/`) is a frozen package directory.
pub fn is_dir(path: &str) -> bool {
    !path.is_empty()
        && modules().iter().any(|m| {
            m.path
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// The path prefix of sys.path's frozen entry.
pub const PATH_PREFIX: &str = ".frozen";

/// Run frozen module `m` with `globals` as its namespace. Only the context (five words) is
/// allocated: the tables and bytecode are used where they are.
pub fn exec_in(m: &'static FrozenModule, globals: Value) -> PyResult<()> {
    let ctx = crate::mem::alloc(Context {
        globals,
        qstrs: m.qstrs.as_ptr(),
        n_qstrs: m.qstrs.len(),
        consts: m.consts.as_ptr(),
        n_consts: m.consts.len(),
    })?;
    crate::vm::run_module_code(ctx, m.code, globals, globals)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qstr::Q;

    static S: Static<Str> = str_obj("h\u{e9}llo");
    static B: Static<Str> = bytes_obj(b"\x00ab");
    static F: Float = float(2.5);
    static T: StaticTuple<2> = tuple([Value::from_static(&S.0), Value::small_int(7)]);
    static BIG: StaticBigInt<3> = big_int(true, [0, 0, 1]);

    #[test]
    fn names_resolve_to_builtin_ids_when_the_runtime_has_them() {
        const A: Qstr = qstr("append", 9);
        const B: Qstr = qstr("no_builtin_has_this_name", 9);
        assert_eq!(A, Q::append);
        assert_eq!(B, Qstr(QSTR_BASE + 9));
    }

    #[test]
    fn static_objects_behave_as_heap_ones() {
        crate::state::testing::with_vm(|| {
            let s = Value::from_static(&S.0);
            let h = crate::objs::str::new("h\u{e9}llo").unwrap_or(Value::NONE);
            assert!(crate::runtime::equal(s, h).unwrap_or(false));
            assert_eq!(crate::objs::str::hash(s), crate::objs::str::hash(h));
            let b = Value::from_static(&B.0);
            assert_eq!(crate::objs::str::as_bytes(b), Some(&b"\x00ab"[..]));
            let f = Value::from_static(&F);
            assert_eq!(crate::objs::float::value(f), Some(2.5));
            let t = Value::from_static(&T);
            assert_eq!(crate::objs::tuple::items(t).map(|i| i.len()), Some(2));
            let big = Value::from_static(&BIG);
            let expect =
                crate::objs::int::parse_literal("-18446744073709551616").unwrap_or(Value::NONE);
            assert!(crate::runtime::equal(big, expect).unwrap_or(false));
        });
    }
}
