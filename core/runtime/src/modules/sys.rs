//! `sys`: argv, path, modules, exit, the standard streams, version and implementation
//! information (py/modsys.c). Also the core's own helpers for writing to stdout.

use crate::obj::{Print, PyResult};
use crate::objs::{attrtuple, int, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;

/// Version of MicroPython whose behaviour upy follows.
pub const MP_VERSION: (isize, isize, isize) = (1, 29, 0);

/// [`MP_VERSION`] as text, a literal so version strings are built at compile time.
macro_rules! mp_version {
    () => {
        "1.29.0"
    };
}
pub(crate) use mp_version;

/// Write bytes to sys.stdout (the port's stdout).
pub fn stdout_write(b: &[u8]) -> PyResult<()> {
    if let Some(h) = state::get().hal {
        h.stdout_write(b);
    }
    Ok(())
}

/// Write `tpl` to `out` with each `{}` replaced by the next of `nums` in decimal and each
/// `{x}` by the next in lower-case hex (as unsigned). One small loop instead of a
/// `core::fmt` argument table at each of the modules' fixed-layout reports.
pub fn print_nums(out: &mut dyn Print, tpl: &str, nums: &[isize]) -> PyResult<()> {
    let mut nums = nums.iter();
    let mut rest = tpl;
    while let Some((head, tail)) = rest.split_once('{') {
        out.write_str(head)?;
        let (hex, tail) = match tail.strip_prefix("x}") {
            Some(t) => (true, t),
            None => (false, tail.strip_prefix('}').unwrap_or(tail)),
        };
        let n = nums.next().copied().unwrap_or(0);
        let mut buf = [0u8; 24];
        if hex {
            out.write_str(format_hex(n as usize, 1, &mut buf))?;
        } else {
            out.write_str(int::format_isize(n, &mut buf))?;
        }
        rest = tail;
    }
    out.write_str(rest)
}

/// Lower-case hex text of `n` with at least `width` digits, in `buf`.
pub fn format_hex(mut n: usize, width: usize, buf: &mut [u8; 24]) -> &str {
    let mut i = buf.len();
    while i > 0 {
        i -= 1;
        buf[i] = b"0123456789abcdef"[n & 15];
        n >>= 4;
        if n == 0 && buf.len() - i >= width {
            break;
        }
    }
    core::str::from_utf8(buf.get(i..).unwrap_or(&[])).unwrap_or("")
}

/// Print "Warning: msg" to stderr, like `mp_warning`.
pub fn warning(msg: &str) {
    if let Some(h) = state::get().hal {
        h.stderr_write(b"Warning: ");
        h.stderr_write(msg.as_bytes());
        h.stderr_write(b"\n");
    }
}

/// Globals of the innermost running function, or `__main__`'s.
pub fn current_globals() -> Value {
    let st = state::get();
    if !st.roots.cur_globals.is_null() {
        return st.roots.cur_globals;
    }
    crate::exec::main_globals().unwrap_or(Value::NONE)
}

fn exit(args: &[Value]) -> PyResult<Value> {
    Err(raise::with_args(&crate::objs::exception::SYSTEM_EXIT, args))
}

fn print_exception(args: &[Value]) -> PyResult<Value> {
    let exc = args[0];
    match args.get(1) {
        Some(f) if !f.is_none() => {
            let mut s = crate::vstr::VStr::new();
            crate::exec::print_exception(&mut s, exc)?;
            match crate::modules::io::stream_of(*f) {
                Ok((obj, stream)) => {
                    crate::modules::io::write_all(obj, stream, s.as_bytes())?;
                }
                Err(e) => {
                    let text = core::str::from_utf8(s.as_bytes()).unwrap_or("");
                    crate::modules::io::write_method_fallback(*f, text, e)?;
                }
            }
        }
        _ => crate::exec::print_exception(&mut crate::exec::Stdout, exc)?,
    }
    Ok(Value::NONE)
}

// --- standard streams ---

// sys.stdin/stdout/stderr are the file objects of handles 0-2 (objs/fileio.rs).
use crate::objs::fileio::{STDERR, STDIN, STDOUT};

// --- dynamic attributes ---

static IMPL_FIELDS: [Qstr; 6] = [
    Q::name,
    Q::version,
    Q::_machine,
    Q::_mpy,
    Q::_build,
    Q::_thread,
];

/// Names `module_attr` computes on demand, so `dir(sys)` can list them.
pub static DYNAMIC_ATTRS: &[Qstr] = &[
    Q::argv,
    Q::path,
    Q::modules,
    Q::platform,
    Q::version,
    Q::version_info,
    Q::implementation,
    Q::maxsize,
];

/// The object in root `slot`, made by `make` on first use.
fn lazy_root(slot: &mut Value, make: MakeValue) -> PyResult<Value> {
    if slot.is_null() {
        *slot = make()?;
    }
    Ok(*slot)
}

fn empty_list() -> PyResult<Value> {
    crate::objs::list::new(&[])
}

fn module_attr(name: Qstr) -> PyResult<Option<Value>> {
    let st = state::get();
    Ok(match name {
        Q::argv => Some(lazy_root(&mut st.roots.sys_argv, empty_list)?),
        Q::path => Some(lazy_root(&mut st.roots.sys_path, empty_list)?),
        Q::modules => Some(lazy_root(&mut st.roots.modules, crate::objs::dict::new)?),
        Q::platform => Some(pystr::new(st.hal.map(|h| h.platform()).unwrap_or("linux"))?),
        Q::version => Some(pystr::new(concat!(
            "3.4.0; upy ",
            env!("CARGO_PKG_VERSION"),
            " (MicroPython v",
            mp_version!(),
            " compatible)"
        ))?),
        Q::version_info => Some(tuple::new(&[
            Value::small_int(3),
            Value::small_int(4),
            Value::small_int(0),
        ])?),
        Q::implementation => {
            let ver = tuple::new(&[
                Value::small_int(MP_VERSION.0),
                Value::small_int(MP_VERSION.1),
                Value::small_int(MP_VERSION.2),
                Value::qstr(Q::_empty_),
            ])?;
            let machine = pystr::new(st.hal.map(|h| h.machine()).unwrap_or("upy"))?;
            // `_thread` is the last field and exists only in builds with threads, as upstream.
            let n = IMPL_FIELDS.len() - usize::from(!cfg!(feature = "thread"));
            let fields = [
                Value::qstr(Q::micropython),
                ver,
                machine,
                Value::small_int(0x306),
                Value::qstr(Q::standard),
                thread_model(),
            ];
            Some(attrtuple::new(&IMPL_FIELDS[..n], &fields[..n])?)
        }
        // The largest container index: the machine word's, so 2**31 - 1 on 32-bit boards.
        Q::maxsize => Some(int::from_i64(isize::MAX as i64)?),
        _ => match prompt_root(name) {
            Some((slot, default)) => Some(lazy_root(slot, default)?),
            None => None,
        },
    })
}

type MakeValue = fn() -> PyResult<Value>;

/// `sys.ps1`/`sys.ps2`: where each is kept and what it starts as. Matched by text, not as
/// static names: a name added to the static table renumbers the others, which shifts the
/// dict lookups' hash filters (core_locals and core_str ran 8% slower with five more).
fn prompt_root(name: Qstr) -> Option<(&'static mut Value, MakeValue)> {
    let roots = &mut state::get().roots;
    match name.as_str() {
        "ps1" => Some((&mut roots.sys_ps1, || pystr::new(">>> "))),
        "ps2" => Some((&mut roots.sys_ps2, || pystr::new("... "))),
        _ => None,
    }
}

/// `sys.implementation._thread`: how threads share the interpreter (the field is left out
/// without threads).
fn thread_model() -> Value {
    if cfg!(feature = "thread") {
        Value::qstr(Q::GIL)
    } else {
        Value::NONE
    }
}

/// `sys.path = ...`, `sys.ps1 = ...`, `sys.ps2 = ...`: the assignable attributes of the
/// static sys module (upstream keeps them among the VM's mutable sys attributes). Any other
/// name is not stored.
pub fn store_attr(name: Qstr, x: Value) -> PyResult<Option<Value>> {
    if name == Q::path {
        state::get().roots.sys_path = x;
        return Ok(Some(Value::NONE));
    }
    if let Some((slot, _)) = prompt_root(name) {
        *slot = x;
        return Ok(Some(Value::NONE));
    }
    Ok(None)
}

fn sys_getattr(name: Value) -> PyResult<Value> {
    let q = name
        .as_qstr()
        .ok_or_else(|| raise::attribute_error("no attribute"))?;
    match module_attr(q)? {
        Some(v) => Ok(v),
        None => Err(raise::attribute_error_fmt(format_args!(
            "'module' object has no attribute '{}'",
            q.as_str()
        ))),
    }
}

#[cfg(feature = "os_unix")]
/// `sys.exc_info()`: type and value of the exception being handled, or three Nones.
fn exc_info() -> PyResult<Value> {
    let e = state::get().roots.cur_exception;
    if e.is_null() {
        return tuple::new(&[Value::NONE, Value::NONE, Value::NONE]);
    }
    tuple::new(&[Value::from_static(e.type_of()), e, Value::NONE])
}

#[cfg(feature = "os_unix")]
/// `sys.atexit(f)`: `f` runs when the program ends; returns the previous function.
fn atexit(f: Value) -> PyResult<Value> {
    let roots = &mut state::get().roots;
    let old = roots.atexit;
    roots.atexit = f;
    Ok(if old.is_null() { Value::NONE } else { old })
}

/// Called by ports when the program ends: runs the `sys.atexit` function, if any.
pub fn run_atexit() -> PyResult<()> {
    let f = state::get().roots.atexit;
    if !f.is_null() && crate::modules::builtins::callable(f)? == Value::TRUE {
        crate::runtime::call(f, &[], &[])?;
    }
    Ok(())
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::sys)),
    // The unix port's (upstream's qemu board has neither).
    #[cfg(feature = "os_unix")]
    crate::entry!(atexit, crate::fun!(atexit, F1(atexit))),
    #[cfg(feature = "os_unix")]
    crate::entry!(exc_info, crate::fun!(exc_info, F0(exc_info))),
    #[cfg(feature = "settrace")]
    crate::entry!(settrace, crate::fun!(settrace, F1(crate::trace::settrace))),
    crate::entry!(__getattr__, crate::fun!(__getattr__, F1(sys_getattr))),
    (Q::byteorder, Value::qstr(Q::little)),
    crate::entry!(
        exit,
        crate::fun!(
            exit,
            Var {
                min: 0,
                max: 1,
                f: exit
            }
        )
    ),
    crate::entry!(
        print_exception,
        crate::fun!(
            print_exception,
            Var {
                min: 1,
                max: 2,
                f: print_exception
            }
        )
    ),
    (Q::stderr, Value::from_static(&STDERR)),
    (Q::stdin, Value::from_static(&STDIN)),
    (Q::stdout, Value::from_static(&STDOUT)),
];

pub static MODULE: Module = Module::new_static(Q::sys, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    #[test]
    fn version_text_matches_the_tuple() {
        let (a, b, c) = super::MP_VERSION;
        assert_eq!(super::mp_version!(), alloc::format!("{a}.{b}.{c}"));
    }

    #[test]
    fn hex_text_has_the_minimum_width() {
        let mut buf = [0u8; 24];
        assert_eq!(super::format_hex(0, 1, &mut buf), "0");
        assert_eq!(super::format_hex(0x5, 2, &mut buf), "05");
        assert_eq!(super::format_hex(0xdead_beef, 1, &mut buf), "deadbeef");
    }
}
