//! `random`: MicroPython's small PRNG module (extmod/modrandom.c) on the Yasmarang
//! generator, so a given seed yields the same numbers as upstream. Unseeded, the state is
//! seeded from the port's random source on first use (upstream seeds on import).

use crate::obj::PyResult;
use crate::objs::{float, int, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};

/// Generator state (pad, n, d, dat) and whether it has been seeded. The runtime is single
/// threaded; atomics just make the statics safe to touch.
static PAD: AtomicU32 = AtomicU32::new(0);
static N: AtomicU32 = AtomicU32::new(69);
static D: AtomicU32 = AtomicU32::new(233);
static DAT: AtomicU32 = AtomicU32::new(0);
static SEEDED: AtomicBool = AtomicBool::new(false);

fn set_seed(seed: u32) {
    PAD.store(seed, Relaxed);
    N.store(69, Relaxed);
    D.store(233, Relaxed);
    DAT.store(0, Relaxed);
    SEEDED.store(true, Relaxed);
}

fn port_seed() -> u32 {
    let mut b = [0u8; 4];
    if let Some(h) = crate::state::get().hal {
        h.random(&mut b);
    }
    u32::from_le_bytes(b)
}

fn ensure_seeded() {
    if !SEEDED.load(Relaxed) {
        set_seed(port_seed());
    }
}

/// One Yasmarang step.
fn next_u32() -> u32 {
    ensure_seeded();
    let mut pad = PAD.load(Relaxed);
    let n = N.load(Relaxed);
    let mut d = D.load(Relaxed);
    let mut dat = DAT.load(Relaxed) as u8;
    pad = pad.wrapping_add((dat as u32).wrapping_add(d.wrapping_mul(n)));
    pad = pad.rotate_left(3);
    let n = pad | 2;
    d ^= (pad << 31).wrapping_add(pad >> 1);
    dat ^= (pad as u8) ^ ((d >> 8) as u8) ^ 1;
    PAD.store(pad, Relaxed);
    N.store(n, Relaxed);
    D.store(d, Relaxed);
    DAT.store(dat as u32, Relaxed);
    pad ^ (d << 5) ^ (pad >> 18) ^ ((dat as u32) << 1)
}

/// A uniform value below `n` by rejection on the smallest covering bit mask.
fn below(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut mask: u32 = 1;
    while (n & mask) < n {
        mask = (mask << 1) | 1;
    }
    loop {
        let r = next_u32() & mask;
        if r < n {
            return r;
        }
    }
}

/// A float in [0, 1): 23 random fraction bits on an exponent of 1, minus 1 (`float32`).
#[cfg(feature = "float32")]
fn next_float() -> f32 {
    f32::from_bits((127 << 23) | (next_u32() >> 9)) - 1.0
}

/// A float in [0, 1): 52 random fraction bits on an exponent of 1, minus 1.
#[cfg(not(feature = "float32"))]
fn next_float() -> f64 {
    let hi = next_u32() as u64;
    let lo = next_u32() as u64;
    let frac = ((hi << 32) | lo) & ((1u64 << 52) - 1);
    f64::from_bits((1023u64 << 52) | frac) - 1.0
}

fn bare_value_error() -> crate::obj::PyErr {
    raise::with_args(&crate::objs::exception::VALUE_ERROR, &[])
}

fn getrandbits(n: Value) -> PyResult<Value> {
    let n = int::get_isize(n)?;
    if !(0..=32).contains(&n) {
        return Err(raise::value_error("bits must be 32 or less"));
    }
    if n == 0 {
        return Ok(Value::small_int(0));
    }
    let mask = u32::MAX >> (32 - n);
    int::from_u64((next_u32() & mask) as u64)
}

fn seed(args: &[Value]) -> PyResult<Value> {
    let s = match args.first() {
        None => port_seed(),
        Some(v) if v.is_none() => port_seed(),
        Some(v) => super::binascii::low_u32(*v)?,
    };
    set_seed(s);
    Ok(Value::NONE)
}

fn init() -> PyResult<Value> {
    ensure_seeded();
    Ok(Value::NONE)
}

/// Wide enough for the difference of two machine words (i128 only on 64-bit hosts: on a
/// 32-bit board each i128 step is several instructions).
#[cfg(target_pointer_width = "32")]
type Wide = i64;
#[cfg(not(target_pointer_width = "32"))]
type Wide = i128;

fn randrange(args: &[Value]) -> PyResult<Value> {
    let start = int::get_isize(args[0])? as Wide;
    let r = match args.len() {
        1 if start > 0 => below(start as u32) as Wide,
        1 => return Err(bare_value_error()),
        2 => {
            let stop = int::get_isize(args[1])? as Wide;
            if start >= stop {
                return Err(bare_value_error());
            }
            start + below((stop - start) as u32) as Wide
        }
        _ => {
            let stop = int::get_isize(args[1])? as Wide;
            let step = int::get_isize(args[2])? as Wide;
            let n = if step > 0 {
                (stop - start + step - 1) / step
            } else if step < 0 {
                (stop - start + step + 1) / step
            } else {
                return Err(bare_value_error());
            };
            if n <= 0 {
                return Err(bare_value_error());
            }
            start + step * below(n as u32) as Wide
        }
    };
    int::from_i64(r as i64)
}

fn randint(a: Value, b: Value) -> PyResult<Value> {
    let a = int::get_isize(a)? as Wide;
    let b = int::get_isize(b)? as Wide;
    if a > b {
        return Err(bare_value_error());
    }
    int::from_i64((a + below((b - a + 1) as u32) as Wide) as i64)
}

fn choice(seq: Value) -> PyResult<Value> {
    let n = runtime::len(seq)?;
    if n == 0 {
        return Err(raise::with_args(&crate::objs::exception::INDEX_ERROR, &[]));
    }
    runtime::subscr(seq, int::from_u64(below(n as u32) as u64)?)
}

fn random() -> PyResult<Value> {
    float::new(next_float())
}

fn uniform(a: Value, b: Value) -> PyResult<Value> {
    let a = float::get_f64(a)?;
    let b = float::get_f64(b)?;
    float::new(a + (b - a) * next_float())
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::random)),
    crate::entry!(__init__, crate::fun!(__init__, F0(init))),
    crate::entry!(choice, crate::fun!(choice, F1(choice))),
    crate::entry!(getrandbits, crate::fun!(getrandbits, F1(getrandbits))),
    crate::entry!(randint, crate::fun!(randint, F2(randint))),
    crate::entry!(random, crate::fun!(random, F0(random))),
    crate::entry!(
        randrange,
        crate::fun!(
            randrange,
            Var {
                min: 1,
                max: 3,
                f: randrange
            }
        )
    ),
    crate::entry!(
        seed,
        crate::fun!(
            seed,
            Var {
                min: 0,
                max: 1,
                f: seed
            }
        )
    ),
    crate::entry!(uniform, crate::fun!(uniform, F2(uniform))),
];

pub static MODULE: Module = Module::new_static(Q::random, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, r, s};
    use crate::state::testing::with_vm;

    #[test]
    fn sequence_matches_upstream() {
        with_vm(|| {
            seed(&[i(1)]).unwrap();
            assert_eq!(r(getrandbits(i(32))), "2002244");
            assert_eq!(r(getrandbits(i(8))), "242");
            assert_eq!(r(randrange(&[i(10)])), "6");
            assert_eq!(r(randint(i(1), i(6))), "4");
            assert_eq!(r(choice(s("abc"))), "'a'");
            assert_eq!(r(random()), "0.17722643164012997");
            assert_eq!(r(uniform(i(1), i(2))), "1.3453882444357483");
            seed(&[i(-1)]).unwrap();
            assert_eq!(r(getrandbits(i(16))), "35956");
            assert_eq!(r(randrange(&[i(10), i(0), i(-3)])), "4");
            assert_eq!(r(randrange(&[i(-5), i(5)])), "-1");
        });
    }

    #[test]
    fn errors() {
        with_vm(|| {
            assert_eq!(r(getrandbits(i(33))), "ValueError: bits must be 32 or less");
            assert_eq!(r(getrandbits(i(-1))), "ValueError: bits must be 32 or less");
            assert_eq!(r(randrange(&[i(0)])), "ValueError: ");
            assert_eq!(r(randint(i(2), i(1))), "ValueError: ");
            assert_eq!(r(choice(s(""))), "IndexError: ");
            assert_eq!(r(randrange(&[i(1), i(5), i(0)])), "ValueError: ");
        });
    }
}
