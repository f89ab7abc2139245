//! `sys`: argv, path, modules, exit, the standard streams, version and implementation
//! information (py/modsys.c). Also the core's own helpers for writing to stdout.

use crate::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::{attrtuple, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;

/// Version of MicroPython whose behaviour upy follows.
pub const MP_VERSION: (isize, isize, isize) = (1, 29, 0);

/// Write bytes to sys.stdout (the port's stdout).
pub fn stdout_write(b: &[u8]) -> PyResult<()> {
    if let Some(h) = state::get().hal {
        h.stdout_write(b);
    }
    Ok(())
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
            let text = s.into_str()?;
            let w = crate::runtime::load_attr(*f, Q::write)?;
            crate::runtime::call(w, &[text], &[])?;
        }
        _ => crate::exec::print_exception(&mut crate::exec::Stdout, exc)?,
    }
    Ok(Value::NONE)
}

// --- standard streams ---

#[repr(C)]
pub struct StdStream {
    pub base: ObjBase,
    pub fd: usize,
}

fn stream_write(s: Value, data: Value) -> PyResult<Value> {
    let st: &StdStream = s
        .downcast(&STREAM_TYPE)
        .ok_or_else(|| raise::type_error("expected stream"))?;
    let bytes = pystr::as_bytes(data)
        .or_else(|| {
            data.type_of()
                .buffer
                .and_then(|f| f(data, crate::obj::BufferAccess::Read))
                .map(|b| {
                    // SAFETY: the buffer is readable for len bytes while `data` is alive.
                    unsafe { core::slice::from_raw_parts(b.ptr as *const u8, b.len) }
                })
        })
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
    if let Some(h) = state::get().hal {
        if st.fd == 2 {
            h.stderr_write(bytes);
        } else {
            h.stdout_write(bytes);
        }
    }
    Ok(Value::small_int(bytes.len() as isize))
}

fn stream_read(args: &[Value]) -> PyResult<Value> {
    let hal = state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no console"))?;
    let want = args.get(1).and_then(|v| v.as_small_int()).unwrap_or(-1);
    let mut out = crate::vstr::VStr::new();
    let mut b = [0u8; 1];
    while want < 0 || (out.len() as isize) < want {
        if hal.stdin_read(&mut b) == 0 {
            break;
        }
        out.push_byte(b[0])?;
    }
    pystr::new(core::str::from_utf8(out.as_bytes()).unwrap_or(""))
}

fn stream_readline(_s: Value) -> PyResult<Value> {
    let hal = state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no console"))?;
    let mut out = crate::vstr::VStr::new();
    let mut b = [0u8; 1];
    loop {
        if hal.stdin_read(&mut b) == 0 {
            break;
        }
        out.push_byte(b[0])?;
        if b[0] == b'\n' {
            break;
        }
    }
    pystr::new(core::str::from_utf8(out.as_bytes()).unwrap_or(""))
}

fn stream_flush(_s: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn stream_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let fd = v
        .downcast::<StdStream>(&STREAM_TYPE)
        .map(|s| s.fd)
        .unwrap_or(0);
    let mut s = crate::vstr::VStr::new();
    let _ = core::fmt::write(&mut s, format_args!("<io.TextIOWrapper {}>", fd));
    out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(""))
}

static STREAM_LOCALS: [(Qstr, Value); 4] = [
    crate::entry!(flush, crate::fun!(flush, F1(stream_flush))),
    crate::entry!(
        read,
        crate::fun!(
            read,
            Var {
                min: 1,
                max: 2,
                f: stream_read
            }
        )
    ),
    crate::entry!(readline, crate::fun!(readline, F1(stream_readline))),
    crate::entry!(write, crate::fun!(write, F2(stream_write))),
];

pub static STREAM_TYPE: Type = Type {
    name: Q::TextIOWrapper,
    print: Some(stream_print),
    locals: &STREAM_LOCALS,
    ..Type::EMPTY
};

static STDIN: StdStream = StdStream {
    base: ObjBase::new(&STREAM_TYPE),
    fd: 0,
};
static STDOUT: StdStream = StdStream {
    base: ObjBase::new(&STREAM_TYPE),
    fd: 1,
};
static STDERR: StdStream = StdStream {
    base: ObjBase::new(&STREAM_TYPE),
    fd: 2,
};

// SAFETY: immutable statics.
unsafe impl Sync for StdStream {}

// --- dynamic attributes ---

static IMPL_FIELDS: [Qstr; 6] = [
    Q::name,
    Q::version,
    Q::_machine,
    Q::_mpy,
    Q::_build,
    Q::_thread,
];

fn module_attr(name: Qstr) -> PyResult<Option<Value>> {
    let st = state::get();
    Ok(match name {
        Q::argv => {
            if st.roots.sys_argv.is_null() {
                st.roots.sys_argv = crate::objs::list::new(&[])?;
            }
            Some(state::get().roots.sys_argv)
        }
        Q::path => {
            if st.roots.sys_path.is_null() {
                st.roots.sys_path = crate::objs::list::new(&[])?;
            }
            Some(state::get().roots.sys_path)
        }
        Q::modules => {
            if st.roots.modules.is_null() {
                st.roots.modules = crate::objs::dict::new()?;
            }
            Some(state::get().roots.modules)
        }
        Q::platform => Some(pystr::new(st.hal.map(|h| h.platform()).unwrap_or("linux"))?),
        Q::version => {
            let mut s = crate::vstr::VStr::new();
            let _ = core::fmt::write(
                &mut s,
                format_args!(
                    "3.4.0; upy {} (MicroPython v{}.{}.{} compatible)",
                    env!("CARGO_PKG_VERSION"),
                    MP_VERSION.0,
                    MP_VERSION.1,
                    MP_VERSION.2
                ),
            );
            Some(s.into_str()?)
        }
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
            Some(attrtuple::new(
                &IMPL_FIELDS,
                &[
                    Value::qstr(Q::micropython),
                    ver,
                    machine,
                    Value::small_int(0x306),
                    Value::qstr(Q::standard),
                    Value::qstr(Q::r#unsafe),
                ],
            )?)
        }
        Q::maxsize => Some(crate::objs::int::parse_literal("9223372036854775807")?),
        _ => None,
    })
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

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::sys)),
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

pub static MODULE: Module = Module::new_static(Q::sys, GLOBALS);
