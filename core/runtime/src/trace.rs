//! `sys.settrace` (feature `settrace`, MicroPython's MICROPY_PY_SYS_SETTRACE): the trace
//! events and the `frame` objects handed to trace functions.
//!
//! The VM keeps a chain of running frames (`State::cur_frame`, `Frame::back`) and calls
//! [`frame_enter`] when a frame starts or resumes while a global trace function is set. That
//! sends the `call` event; what the trace function returns becomes the frame's local trace
//! function, and only then does the frame run in the traced copy of the dispatch loop,
//! which calls [`tick`] before every opcode (`line` when the source line changes, `return`
//! before RETURN_VALUE and YIELD_VALUE) and [`exception`] when an `Exception` reaches the
//! frame. Untraced frames run the ordinary loop, so tracing costs nothing while it is off.
//!
//! A `frame` object is a snapshot, not a view of the live frame (which lives on the pystack
//! or in a generator and may be gone by the time Python looks): the VM refreshes its line,
//! position and caller link at each event, as upstream refreshes its frame objects at
//! calls. A frame started before tracing began gets its object when an event first needs
//! it as some frame's `f_back`.
//!
//! As upstream: nothing a trace function runs is traced; line events come from the
//! bytecode line table; the `call` event of a function's first run reports the line that
//! defined it; the local trace function is dropped at a `return` from a called frame; the
//! trace function is global to the interpreter (upstream keeps one per thread).

use crate::emitglue::RawCode;
use crate::mem;
use crate::obj::{AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::{code, function};
use crate::qstr::Q;
use crate::runtime;
use crate::state;
use crate::value::Value;
use crate::vm::Frame;
use upy_compiler::bc;

/// A `frame` object: what a trace function sees of one running frame.
#[repr(C)]
pub struct PyFrame {
    base: ObjBase,
    /// A `code` object for the frame's function.
    code: Value,
    globals: Value,
    /// The caller's frame object or None, as of the latest event.
    back: Value,
    /// The local trace function, or NULL when this frame is not traced.
    callback: Value,
    /// Line of the latest event (0 after `call`, so the first line is reported).
    lineno: usize,
    /// Bytecode offset of the latest event.
    lasti: usize,
}

fn get(v: Value) -> Option<&'static mut PyFrame> {
    v.downcast::<PyFrame>(&TYPE)
}

/// Offset of the frame's current opcode from the function's first opcode.
fn offset_of(f: &Frame) -> usize {
    f.ip.saturating_sub(f.code().code_start)
}

/// A new frame object for `f`, at its current position.
fn new_frame(f: &Frame) -> PyResult<Value> {
    let fun = function::get(f.fun).ok_or_else(|| crate::raise::runtime_error("bad frame"))?;
    let rc = f.code();
    let code = code::new(fun.context, rc)?;
    let lasti = offset_of(f);
    Ok(Value::from_ptr(mem::alloc(PyFrame {
        base: ObjBase::new(&TYPE),
        code,
        globals: f.globals,
        back: Value::NONE,
        callback: Value::NULL,
        lineno: rc.line_of(lasti),
        lasti,
    })?))
}

/// Give every caller of `f` a frame object at its current position and link them up.
fn link_callers(f: &Frame) -> PyResult<()> {
    let mut child = f.pyframe;
    let mut p = f.back;
    while !p.is_null() {
        // SAFETY: frames on the chain are running (each `execute` unlinks its frame before
        // returning), so `p` points to a live frame.
        let pf = unsafe { &mut *p };
        if get(pf.pyframe).is_none() {
            pf.pyframe = new_frame(pf)?;
        } else if let Some(o) = get(pf.pyframe) {
            o.lasti = offset_of(pf);
            o.lineno = pf.code().line_of(o.lasti);
        }
        if let Some(c) = get(child) {
            c.back = pf.pyframe;
        }
        child = pf.pyframe;
        p = pf.back;
    }
    if let Some(c) = get(child) {
        c.back = Value::NONE;
    }
    Ok(())
}

/// Call trace function `cb` for an event of frame object `frame`.
fn invoke(cb: Value, frame: Value, event: crate::qstr::Qstr, arg: Value) -> PyResult<Value> {
    let st = state::get();
    st.trace_busy = true;
    let r = runtime::call(cb, &[frame, Value::qstr(event), arg], &[]);
    state::get().trace_busy = false;
    r
}

/// The line a function's first `call` event reports: the line of the opcode that made
/// the function in its parent, else the function's first line.
pub(crate) fn definition_line(rc: &RawCode) -> usize {
    // SAFETY: a parent raw code outlives its children (it holds them).
    let parent = match unsafe { rc.parent.as_ref() } {
        Some(p) => p,
        None => return rc.line_of(0),
    };
    let Some(index) =
        (0..parent.n_children).find(|&i| parent.child(i).is_some_and(|c| core::ptr::eq(c, rc)))
    else {
        return rc.line_of(0);
    };
    let code = parent.bytes().get(parent.code_start..).unwrap_or(&[]);
    let mut ip = 0;
    while let Some(&op) = code.get(ip) {
        let at = ip;
        ip += 1;
        let arg = match bc::operand_format(op) {
            bc::OperandFormat::None => 0,
            bc::OperandFormat::Qstr | bc::OperandFormat::VarUint => {
                let mut v = 0usize;
                while let Some(&b) = code.get(ip) {
                    ip += 1;
                    v = (v << 7) | (b & 0x7f) as usize;
                    if b & 0x80 == 0 {
                        break;
                    }
                }
                v
            }
            bc::OperandFormat::Offset => {
                ip += if code.get(ip).is_some_and(|b| b & 0x80 != 0) {
                    2
                } else {
                    1
                };
                0
            }
        };
        if bc::has_extra_byte(op) {
            ip += 1;
        }
        let makes = matches!(
            op,
            bc::MAKE_FUNCTION
                | bc::MAKE_FUNCTION_DEFARGS
                | bc::MAKE_CLOSURE
                | bc::MAKE_CLOSURE_DEFARGS
        );
        if makes && arg == index {
            return parent.line_of(at);
        }
    }
    rc.line_of(0)
}

/// A frame starts or resumes while a trace function is set: send `call`. True when the
/// frame is to be traced (the trace function returned a local one).
pub fn frame_enter(f: &mut Frame) -> PyResult<bool> {
    let st = state::get();
    if st.heap.lock_depth > 0 {
        // No frame object can be made: the frame runs untraced, as upstream's does.
        return Ok(false);
    }
    let cb = st.roots.trace_fn;
    let first = f.ip == f.code().code_start;
    let frame = new_frame(f)?;
    f.pyframe = frame;
    let Some(o) = get(frame) else {
        return Ok(false);
    };
    if first && !f.back.is_null() {
        o.lineno = definition_line(f.code());
    }
    link_callers(f)?;
    let local = invoke(cb, frame, Q::call, Value::NONE)?;
    o.callback = if is_callable(local)? {
        local
    } else {
        Value::NULL
    };
    o.lineno = 0;
    Ok(!o.callback.is_null())
}

/// Before each opcode of a traced frame: `line` and `return` events.
pub fn tick(f: &mut Frame) -> PyResult<()> {
    if state::get().trace_busy {
        return Ok(());
    }
    let frame = f.pyframe;
    let Some(o) = get(frame) else { return Ok(()) };
    if o.callback.is_null() {
        return Ok(());
    }
    let lasti = offset_of(f);
    let line = f.code().line_of(lasti);
    o.lasti = lasti;
    if line != o.lineno {
        o.lineno = line;
        link_callers(f)?;
        invoke(o.callback, frame, Q::line, Value::NONE)?;
    }
    let op = f.code().bytes().get(f.ip).copied();
    if op == Some(bc::RETURN_VALUE) || op == Some(bc::YIELD_VALUE) {
        link_callers(f)?;
        invoke(o.callback, frame, Q::r#return, Value::NONE)?;
        if op == Some(bc::RETURN_VALUE) && !f.back.is_null() {
            o.callback = Value::NULL;
        }
    }
    Ok(())
}

/// After a FOR_ITER produced a value: the next opcode reports its line again.
pub fn forget_line(f: &mut Frame) {
    if let Some(o) = get(f.pyframe) {
        o.lineno = 0;
    }
}

/// An exception reached a traced frame: `exception` (only for `Exception` subclasses).
pub fn exception(f: &mut Frame, err: &crate::obj::PyErr) -> PyResult<()> {
    if state::get().trace_busy || !runtime::is_instance(err.0, &crate::objs::exception::EXCEPTION) {
        return Ok(());
    }
    let frame = f.pyframe;
    let Some(o) = get(frame) else { return Ok(()) };
    if o.callback.is_null() {
        return Ok(());
    }
    link_callers(f)?;
    invoke(o.callback, frame, Q::exception, Value::NONE).map(|_| ())
}

/// `sys.settrace(tracefunc)`: a callable becomes the trace function, anything else stops
/// tracing of frames started from now on.
pub fn settrace(func: Value) -> PyResult<Value> {
    state::get().roots.trace_fn = if is_callable(func)? {
        func
    } else {
        Value::NULL
    };
    Ok(Value::NONE)
}

fn is_callable(v: Value) -> PyResult<bool> {
    Ok(crate::modules::builtins::callable(v)? == Value::TRUE)
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(o) = get(v) else { return Ok(()) };
    let (file, name) = match code::get(o.code) {
        Some(c) => (c.context().source_file(), c.raw_code().name),
        None => (Q::_lt_module_gt_, Q::_lt_module_gt_),
    };
    let mut s = crate::vstr::VStr::new();
    let _ = core::fmt::write(
        &mut s,
        format_args!(
            "<frame at 0x{:x}, file '{}', line {}, code {}>",
            v.bits(),
            file.as_str(),
            o.lineno,
            name.as_str()
        ),
    );
    out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(">"))
}

fn attr(v: Value, name: crate::qstr::Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    let Some(o) = get(v) else { return Ok(None) };
    if aop != AttrOp::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::f_back => Some(o.back),
        Q::f_code => Some(o.code),
        Q::f_globals => Some(o.globals),
        Q::f_lasti => Some(crate::objs::int::from_u64(o.lasti as u64)?),
        Q::f_lineno => Some(crate::objs::int::from_u64(o.lineno as u64)?),
        _ => None,
    })
}

pub static TYPE: Type = Type {
    name: Q::frame,
    print: Some(print),
    attr: Some(attr),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn raw_top(src: &str) -> &'static RawCode {
        let m = crate::exec::compile(src, "t.py", upy_compiler::ast::ParseMode::File).unwrap();
        let (_ctx, rc) = crate::emitglue::load(&m, Value::NULL).unwrap();
        // SAFETY: a freshly loaded raw code; the test keeps nothing past the VM's life.
        unsafe { &*rc }
    }

    #[test]
    fn first_call_reports_the_defining_line() {
        with_vm(|| {
            let top = raw_top("x = 1\n\n\ndef f():\n    def g():\n\n        return 2\n    return g\nclass C:\n    pass\n");
            let f = top.child(0).unwrap();
            let g = f.child(0).unwrap();
            let c = top.child(1).unwrap();
            assert_eq!(definition_line(f), 4);
            assert_eq!(definition_line(g), 5);
            assert_eq!(definition_line(c), 9);
            // A module has no parent: its first line.
            assert_eq!(definition_line(top), 1);
            assert!(core::ptr::eq(g.parent, f));
        });
    }

    #[test]
    fn settrace_takes_callables_only() {
        with_vm(|| {
            let f = crate::modules::builtins::lookup(Q::len).unwrap();
            settrace(f).unwrap();
            assert_eq!(state::get().roots.trace_fn, f);
            settrace(Value::small_int(3)).unwrap();
            assert!(state::get().roots.trace_fn.is_null());
            settrace(f).unwrap();
            settrace(Value::NONE).unwrap();
            assert!(state::get().roots.trace_fn.is_null());
        });
    }
}
