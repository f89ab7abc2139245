//! Exceptions: the instance layout shared by every exception class (built-in or user
//! subclass), the built-in exception hierarchy as static types, and traceback storage.
//!
//! A traceback is a heap array of (file qstr, line, function qstr) word triples, appended
//! as the exception unwinds through Python frames (MicroPython's `mp_obj_exception_add_traceback`).

use crate::mem;
use crate::obj::{flags, AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::{Qstr, Q};
use crate::value::Value;

#[repr(C)]
pub struct Exception {
    pub base: ObjBase,
    /// Tuple of constructor arguments.
    pub args: Value,
    /// Attributes set on instances of user subclasses (a dict) or NULL.
    pub dict: Value,
    pub tb: *mut usize,
    pub tb_len: usize,
    pub tb_cap: usize,
}

/// Whether `ty` is an exception type (BaseException or a subclass).
pub fn is_exception_type(ty: &'static Type) -> bool {
    ty.has_flag(flags::EXCEPTION)
}

pub fn is_exception(v: Value) -> bool {
    v.is_obj() && is_exception_type(v.type_of())
}

/// Allocate an exception of type `ty` with the given args.
pub fn new(ty: &'static Type, args: &[Value]) -> PyResult<Value> {
    // Out of memory (or heap locked): the arguments are dropped, then the emergency
    // exception object stands in, as upstream does, so raising still works.
    let tuple =
        crate::objs::tuple::new(args).unwrap_or(Value::from_static(&crate::objs::tuple::EMPTY));
    match mem::alloc(Exception {
        base: ObjBase::of(ty),
        args: tuple,
        dict: Value::NULL,
        tb: core::ptr::null_mut(),
        tb_len: 0,
        tb_cap: 0,
    }) {
        Ok(p) => Ok(Value::from_ptr(p)),
        Err(e) => match args {
            [one] => emergency_with_arg(ty, *one).map(|x| x.0).ok_or(e),
            _ => emergency(ty, None).map(|x| x.0).ok_or(e),
        },
    }
}

/// Bytes reserved for the emergency exception's message.
const EMERGENCY_MSG_BYTES: usize = 96;
/// Traceback entries reserved for the emergency exception.
const EMERGENCY_TB_WORDS: usize = 3 * 8;

/// Allocate the emergency exception (object, 1-tuple, message buffer, traceback) at start-up,
/// so an exception can be raised when the heap is full or locked.
pub fn init_emergency() -> PyResult<()> {
    let st = crate::state::get();
    let msg = crate::objs::str::new_of_type(&crate::objs::str::TYPE, &[b' '; EMERGENCY_MSG_BYTES])?;
    // Two slots, one visible: slot 0 is the argument shown (the message or a caller's
    // value), slot 1 keeps the message buffer so it is never lost.
    let args = crate::objs::tuple::new(&[msg, msg])?;
    if let Some(t) = args.downcast::<crate::objs::tuple::Tuple>(&crate::objs::tuple::TYPE) {
        t.len = 1;
    }
    let e = new(&EXCEPTION, &[])?;
    let tb = mem::alloc_array::<usize>(EMERGENCY_TB_WORDS)?;
    if let Some(x) = get(e) {
        x.tb = tb;
        x.tb_cap = EMERGENCY_TB_WORDS;
    }
    st.roots.emergency_exc = e;
    st.roots.emergency_args = args;
    Ok(())
}

/// Reuse the emergency exception as an exception of type `ty` with an optional message.
pub fn emergency(ty: &'static Type, msg: Option<&str>) -> Option<crate::obj::PyErr> {
    let roots = &crate::state::get().roots;
    let (e, args) = (roots.emergency_exc, roots.emergency_args);
    let x = get(e)?;
    x.base = ObjBase::of(ty);
    x.tb_len = 0;
    x.dict = Value::NULL;
    x.args = Value::from_static(&crate::objs::tuple::EMPTY);
    if let Some(m) = msg {
        let slot = crate::objs::tuple::items(args)?.first_mut()?;
        *slot = emergency_msg(args)?;
        let s: &mut crate::objs::str::Str = slot.downcast(&crate::objs::str::TYPE)?;
        let mut n = m.len().min(EMERGENCY_MSG_BYTES);
        while !m.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: the message buffer has EMERGENCY_MSG_BYTES writable bytes.
        unsafe { core::ptr::copy_nonoverlapping(m.as_ptr(), s.data as *mut u8, n) };
        s.len = n;
        s.hash = 0;
        x.args = args;
    }
    Some(crate::obj::PyErr(e))
}

/// The emergency message buffer, kept in the hidden second slot of the args tuple.
fn emergency_msg(args: Value) -> Option<Value> {
    let t = args.downcast::<crate::objs::tuple::Tuple>(&crate::objs::tuple::TYPE)?;
    // SAFETY: init_emergency allocated this tuple with two items and only shortened `len`.
    Some(unsafe { *mem::items_ptr::<crate::objs::tuple::Tuple, Value>(t).add(1) })
}

/// Reuse the emergency exception with one argument (`raise ValueError(1)` while the heap
/// is locked keeps its argument, as upstream's emergency buffer does).
fn emergency_with_arg(ty: &'static Type, arg: Value) -> Option<crate::obj::PyErr> {
    let err = emergency(ty, None)?;
    let args = crate::state::get().roots.emergency_args;
    let x = get(err.0)?;
    *crate::objs::tuple::items(args)?.first_mut()? = arg;
    x.args = args;
    Some(err)
}

pub fn get(v: Value) -> Option<&'static mut Exception> {
    if is_exception(v) {
        // SAFETY: every exception type's instances use the Exception layout.
        Some(unsafe { v.downcast_unchecked() })
    } else {
        None
    }
}

/// The args tuple's items.
pub fn args(v: Value) -> &'static [Value] {
    get(v)
        .and_then(|e| crate::objs::tuple::items(e.args))
        .map(|s| &*s)
        .unwrap_or(&[])
}

/// Append a traceback entry; silently skipped when memory is short (as upstream does).
pub fn add_traceback(v: Value, file: Qstr, line: usize, block: Qstr) {
    let Some(e) = get(v) else { return };
    if !crate::state::get().heap.contains(v.as_ptr::<u8>()) {
        return;
    }
    if e.tb_len + 3 > e.tb_cap {
        let cap = (e.tb_cap * 2).max(9);
        // Without a collection: when the heap is full the traceback just stops growing,
        // as upstream's does (a collection per frame of a deep unwind would be quadratic).
        let st = crate::state::get();
        let auto = st.heap.auto_collect;
        st.heap.auto_collect = false;
        // The heap directly, not `mem`: a failed allocation there builds a MemoryError in
        // the emergency exception, which may be the very exception unwinding now.
        let r = st
            .heap
            .realloc(e.tb as *mut u8, cap * core::mem::size_of::<usize>());
        crate::state::get().heap.auto_collect = auto;
        match r {
            Some(p) => {
                e.tb = p as *mut usize;
                e.tb_cap = cap;
            }
            None => return,
        }
    }
    // SAFETY: capacity checked above.
    unsafe {
        *e.tb.add(e.tb_len) = file.0 as usize;
        *e.tb.add(e.tb_len + 1) = line;
        *e.tb.add(e.tb_len + 2) = block.0 as usize;
    }
    e.tb_len += 3;
}

/// Traceback entries, innermost call first: (file, line, function).
pub fn traceback(v: Value) -> impl Iterator<Item = (Qstr, usize, Qstr)> {
    let (ptr, len) = match get(v) {
        Some(e) if !e.tb.is_null() => (e.tb as *const usize, e.tb_len),
        _ => (core::ptr::null(), 0),
    };
    (0..len / 3).map(move |i| {
        // SAFETY: tb holds tb_len valid words.
        unsafe {
            (
                Qstr(*ptr.add(3 * i) as u32),
                *ptr.add(3 * i + 1),
                Qstr(*ptr.add(3 * i + 2) as u32),
            )
        }
    })
}

pub fn clear_traceback(v: Value) {
    if let Some(e) = get(v) {
        e.tb_len = 0;
    }
}

fn make_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    new(ty, args)
}

fn print(out: &mut dyn Print, v: Value, kind: PrintKind) -> PyResult<()> {
    let a = args(v);
    let ty = v.type_of();
    if kind == PrintKind::Repr {
        out.write_str(ty.name.as_str())?;
        if a.is_empty() {
            return out.write_str("()");
        }
    } else {
        if core::ptr::eq(ty, &OS_ERROR) && (1..3).contains(&a.len()) {
            let errno = a[0].as_small_int();
            if let Some((n, name)) =
                errno.and_then(|n| Some((n, crate::modules::errno::name_of(n)?)))
            {
                // Without the heap: tracebacks are printed when it may be full.
                let mut digits = [0u8; 24];
                out.write_str("[Errno ")?;
                out.write_str(crate::objs::int::format_isize(n, &mut digits))?;
                out.write_str("] ")?;
                out.write_str(name)?;
                if let Some(m) = a.get(1) {
                    out.write_str(": ")?;
                    crate::runtime::print_value(out, *m, PrintKind::Str)?;
                }
                return Ok(());
            }
        }
        match a {
            [] => return Ok(()),
            [x] => return crate::runtime::print_value(out, *x, PrintKind::Str),
            _ => {}
        }
    }
    let t = get(v).map(|e| e.args).unwrap_or(Value::NONE);
    crate::runtime::print_value(out, t, PrintKind::Repr)
}

fn attr(v: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    let Some(e) = get(v) else { return Ok(None) };
    match (name, op) {
        (Q::args, AttrOp::Load) => Ok(Some(e.args)),
        (Q::value, AttrOp::Load) if v.type_of().has_flag(flags::EXCEPTION) => {
            // StopIteration.value and friends: first arg or None.
            Ok(Some(args(v).first().copied().unwrap_or(Value::NONE)))
        }
        (Q::errno, AttrOp::Load) => Ok(Some(args(v).first().copied().unwrap_or(Value::NONE))),
        // Clearing the traceback lets a preallocated exception be raised again and again
        // without growing (and so without allocating) its traceback.
        (Q::__traceback__, AttrOp::Store(x)) if x.is_none() => {
            e.tb_len = 0;
            Ok(Some(Value::NONE))
        }
        _ => Ok(None),
    }
}

macro_rules! exc_type {
    ($static:ident, $name:expr, $parent:expr) => {
        pub static $static: Type = Type {
            name: $name,
            flags: flags::EXCEPTION | flags::BASETYPE,
            make_new: Some(make_new),
            print: Some(print),
            attr: Some(attr),
            parent: $parent,
            ..Type::EMPTY
        };
    };
}

exc_type!(BASE_EXCEPTION, Q::BaseException, None);
exc_type!(SYSTEM_EXIT, Q::SystemExit, Some(&BASE_EXCEPTION));
exc_type!(
    KEYBOARD_INTERRUPT,
    Q::KeyboardInterrupt,
    Some(&BASE_EXCEPTION)
);
exc_type!(GENERATOR_EXIT, Q::GeneratorExit, Some(&BASE_EXCEPTION));
exc_type!(EXCEPTION, Q::Exception, Some(&BASE_EXCEPTION));
exc_type!(STOP_ITERATION, Q::StopIteration, Some(&EXCEPTION));
exc_type!(
    STOP_ASYNC_ITERATION,
    Q::StopAsyncIteration,
    Some(&EXCEPTION)
);
exc_type!(ARITHMETIC_ERROR, Q::ArithmeticError, Some(&EXCEPTION));
exc_type!(OVERFLOW_ERROR, Q::OverflowError, Some(&ARITHMETIC_ERROR));
exc_type!(
    ZERO_DIVISION_ERROR,
    Q::ZeroDivisionError,
    Some(&ARITHMETIC_ERROR)
);
exc_type!(ASSERTION_ERROR, Q::AssertionError, Some(&EXCEPTION));
exc_type!(ATTRIBUTE_ERROR, Q::AttributeError, Some(&EXCEPTION));
exc_type!(EOF_ERROR, Q::EOFError, Some(&EXCEPTION));
exc_type!(IMPORT_ERROR, Q::ImportError, Some(&EXCEPTION));
exc_type!(LOOKUP_ERROR, Q::LookupError, Some(&EXCEPTION));
exc_type!(INDEX_ERROR, Q::IndexError, Some(&LOOKUP_ERROR));
exc_type!(KEY_ERROR, Q::KeyError, Some(&LOOKUP_ERROR));
exc_type!(MEMORY_ERROR, Q::MemoryError, Some(&EXCEPTION));
exc_type!(NAME_ERROR, Q::NameError, Some(&EXCEPTION));
exc_type!(OS_ERROR, Q::OSError, Some(&EXCEPTION));
exc_type!(RUNTIME_ERROR, Q::RuntimeError, Some(&EXCEPTION));
exc_type!(
    NOT_IMPLEMENTED_ERROR,
    Q::NotImplementedError,
    Some(&RUNTIME_ERROR)
);
exc_type!(SYNTAX_ERROR, Q::SyntaxError, Some(&EXCEPTION));
exc_type!(INDENTATION_ERROR, Q::IndentationError, Some(&SYNTAX_ERROR));
exc_type!(TYPE_ERROR, Q::TypeError, Some(&EXCEPTION));
exc_type!(VALUE_ERROR, Q::ValueError, Some(&EXCEPTION));
exc_type!(UNICODE_ERROR, Q::UnicodeError, Some(&VALUE_ERROR));

/// Raised when even the exception object cannot be allocated. Static, so it needs no heap;
/// it carries no traceback.
pub static MEMORY_ERROR_OBJ: Exception = Exception {
    base: ObjBase::new(&MEMORY_ERROR),
    args: Value::from_static(&crate::objs::tuple::EMPTY),
    dict: Value::NULL,
    tb: core::ptr::null_mut(),
    tb_len: 0,
    tb_cap: 0,
};

// SAFETY: the static MemoryError is never mutated (add_traceback skips non-heap objects).
unsafe impl Sync for Exception {}

/// All built-in exception types, for the builtins module table.
pub static ALL: &[&Type] = &[
    &BASE_EXCEPTION,
    &SYSTEM_EXIT,
    &KEYBOARD_INTERRUPT,
    &GENERATOR_EXIT,
    &EXCEPTION,
    &STOP_ITERATION,
    &STOP_ASYNC_ITERATION,
    &ARITHMETIC_ERROR,
    &OVERFLOW_ERROR,
    &ZERO_DIVISION_ERROR,
    &ASSERTION_ERROR,
    &ATTRIBUTE_ERROR,
    &EOF_ERROR,
    &IMPORT_ERROR,
    &LOOKUP_ERROR,
    &INDEX_ERROR,
    &KEY_ERROR,
    &MEMORY_ERROR,
    &NAME_ERROR,
    &OS_ERROR,
    &RUNTIME_ERROR,
    &NOT_IMPLEMENTED_ERROR,
    &SYNTAX_ERROR,
    &INDENTATION_ERROR,
    &TYPE_ERROR,
    &VALUE_ERROR,
    &UNICODE_ERROR,
];
