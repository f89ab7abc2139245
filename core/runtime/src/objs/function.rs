//! Python functions: bytecode functions, closures and cells, and argument binding
//! (MicroPython's py/objfun.c, py/objclosure.c, py/objcell.c and `mp_setup_code_state` in
//! py/bc.c).

use crate::emitglue::{Context, RawCode};
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::{dict, tuple};
use crate::qstr::Q;
use crate::raise;
use crate::value::Value;
use crate::vm::{self, Frame};
use upy_compiler::bc::scope_flags;

#[repr(C)]
pub struct Function {
    pub base: ObjBase,
    pub context: *const Context,
    pub code: *const RawCode,
    /// Tuple of positional defaults, or NULL.
    pub defaults: Value,
    /// Dict of keyword-only defaults, or NULL.
    pub kw_defaults: Value,
}

impl Function {
    pub fn code(&self) -> &'static RawCode {
        // SAFETY: a function's raw code lives as long as the function (scanned word).
        unsafe { &*self.code }
    }
    pub fn context(&self) -> &'static Context {
        // SAFETY: as above.
        unsafe { &*self.context }
    }
}

pub fn new(
    context: *const Context,
    code: *const RawCode,
    defaults: Value,
    kw_defaults: Value,
) -> PyResult<Value> {
    let p = crate::mem::alloc(Function {
        base: ObjBase::new(&TYPE),
        context,
        code,
        defaults,
        kw_defaults,
    })?;
    Ok(Value::from_ptr(p))
}

pub fn get(v: Value) -> Option<&'static mut Function> {
    v.downcast(&TYPE)
}

#[cold]
fn too_many(code: &RawCode, given: usize) -> crate::obj::PyErr {
    takes_n_args(code.name, code.n_pos_args, given)
}

/// `TypeError: <name>() takes <n> positional arguments but <given> were given`.
#[cold]
#[inline(never)]
pub fn takes_n_args(name: crate::qstr::Qstr, n: usize, given: usize) -> crate::obj::PyErr {
    raise::type_error_fmt(format_args!(
        "{}() takes {} positional arguments but {} were given",
        name.as_str(),
        n,
        given
    ))
}

/// `TypeError: function got multiple values for argument '<name>'`.
#[cold]
#[inline(never)]
pub fn multiple_values(name: &str) -> crate::obj::PyErr {
    raise::type_error_fmt(format_args!(
        "function got multiple values for argument '{}'",
        name
    ))
}

/// `TypeError: unexpected keyword argument '<name>'`.
#[cold]
#[inline(never)]
pub fn unexpected_kw(name: &str) -> crate::obj::PyErr {
    raise::type_error_fmt(format_args!("unexpected keyword argument '{}'", name))
}

/// Bind `args`/`kw` into the locals of a fresh frame state (locals at the top, growing
/// down: local i is `state[n_state - 1 - i]`). Mirrors `mp_setup_code_state`.
/// `v` as a function whose call runs a frame (not a generator): the VM calls these
/// directly, without the generic call dispatch.
#[inline(always)]
pub fn as_plain(v: Value) -> Option<&'static Function> {
    if !v.is_obj() {
        return None;
    }
    // SAFETY: object values point at an ObjBase.
    let ty = unsafe { (*v.as_ptr::<ObjBase>()).ty() };
    if !core::ptr::eq(ty, &TYPE) {
        return None;
    }
    // SAFETY: the object is a Function.
    let f: &Function = unsafe { v.downcast_unchecked() };
    (f.code().scope_flags & scope_flags::GENERATOR == 0).then_some(f)
}

/// `bind_args` for the common call: exactly the positional parameters, no keywords, no
/// `*args`/`**kwargs`/keyword-only parameters, no cells. False (nothing done) otherwise.
#[inline(always)]
pub fn bind_simple(f: &Function, state: &mut [Value], args: &[Value], kw: &[Value]) -> bool {
    let code = f.code();
    let n = code.n_state;
    if !kw.is_empty()
        || args.len() != code.n_pos_args
        || code.n_kwonly_args != 0
        || code.scope_flags & (scope_flags::VARARGS | scope_flags::VARKEYWORDS) != 0
        || code.closure_start != code.code_start
        || state.len() < n
        || n < args.len()
    {
        return false;
    }
    for (i, a) in args.iter().enumerate() {
        if let Some(s) = state.get_mut(n - 1 - i) {
            *s = *a;
        }
    }
    true
}

pub fn bind_args(f: &Function, state: &mut [Value], args: &[Value], kw: &[Value]) -> PyResult<()> {
    let code = f.code();
    let n_state = code.n_state;
    let npos = code.n_pos_args;
    let nkwonly = code.n_kwonly_args;
    let sf = code.scope_flags;
    if state.len() < n_state || n_state < npos + nkwonly {
        return Err(raise::runtime_error("bad function prelude"));
    }
    let local = |i: usize| n_state - 1 - i;
    let mut given = args.len();
    if given > npos {
        if sf & scope_flags::VARARGS == 0 {
            return Err(too_many(code, given));
        }
        state[local(npos + nkwonly)] = tuple::new(&args[npos..])?;
        given = npos;
    } else if sf & scope_flags::VARARGS != 0 {
        state[local(npos + nkwonly)] = tuple::new(&[])?;
    }
    for (i, a) in args.iter().take(given).enumerate() {
        state[local(i)] = *a;
    }
    let mut kwdict = Value::NULL;
    if sf & scope_flags::VARKEYWORDS != 0 {
        kwdict = dict::new()?;
        let slot = npos + nkwonly + usize::from(sf & scope_flags::VARARGS != 0);
        state[local(slot)] = kwdict;
    }
    for pair in kw.chunks_exact(2) {
        let (key, val) = (pair[0], pair[1]);
        let kq = crate::objs::str::as_str(key).and_then(crate::qstr::Qstr::find);
        let mut matched = false;
        if let Some(kq) = kq {
            for j in 0..npos + nkwonly {
                if code.arg_name(j) == kq {
                    if !state[local(j)].is_null() {
                        return Err(multiple_values(kq.as_str()));
                    }
                    state[local(j)] = val;
                    matched = true;
                    break;
                }
            }
        }
        if !matched {
            match dict::map_of(kwdict) {
                Some(m) => {
                    m.insert(key, val)?;
                }
                None => return Err(unexpected_kw(crate::objs::str::as_str(key).unwrap_or("?"))),
            }
        }
    }
    // Positional defaults fill the last n_def_pos_args parameters.
    let ndef = code.n_def_pos_args;
    if given < npos {
        let defaults = tuple::items(f.defaults).map(|d| &*d).unwrap_or(&[]);
        let mut missing = 0;
        for i in given..npos {
            if state[local(i)].is_null() {
                let first_def = npos.saturating_sub(ndef);
                if i >= first_def {
                    if let Some(d) = defaults.get(i - first_def) {
                        state[local(i)] = *d;
                        continue;
                    }
                }
                missing += 1;
            }
        }
        if missing > 0 {
            return Err(crate::objs::fun::missing_args(missing));
        }
    }
    for i in npos..npos + nkwonly {
        if state[local(i)].is_null() {
            let name = code.arg_name(i);
            let d = dict::map_of(f.kw_defaults).and_then(|m| m.get_qstr(name));
            match d {
                Some(v) => state[local(i)] = v,
                None => {
                    return Err(raise::type_error_fmt(format_args!(
                        "function missing required keyword argument '{}'",
                        name.as_str()
                    )))
                }
            }
        }
    }
    // Turn the captured locals into cells.
    for &slot in code.cell_slots() {
        let i = slot as usize;
        if i < n_state {
            let v = state[local(i)];
            state[local(i)] = cell_new(v)?;
        }
    }
    Ok(())
}

fn call(fv: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    // SAFETY: only installed on TYPE.
    let f: &Function = unsafe { fv.downcast_unchecked() };
    let code = f.code();
    if code.scope_flags & scope_flags::GENERATOR != 0 {
        return crate::objs::generator::new(fv, args, kw);
    }
    vm::call_function(fv, f, args, kw, Value::NULL)
}

/// Run a class body (or any code) with an explicit locals dict for LOAD_NAME/STORE_NAME.
pub fn call_with_locals(fv: Value, args: &[Value], locals: Value) -> PyResult<Value> {
    if let Some(c) = fv.downcast::<Closure>(&CLOSURE_TYPE) {
        // A class body inside a function: its free variables come first.
        // SAFETY: the cells follow the closure header.
        let cells = unsafe {
            core::slice::from_raw_parts(crate::mem::items_ptr::<Closure, Value>(c), c.n_cells)
        };
        let f = get(c.fun).ok_or_else(|| raise::type_error("expected a function"))?;
        if !args.is_empty() {
            return Err(raise::type_error("class body takes no arguments"));
        }
        return vm::call_function(c.fun, f, cells, &[], locals);
    }
    let f = get(fv).ok_or_else(|| raise::type_error("expected a function"))?;
    vm::call_function(fv, f, args, &[], locals)
}

/// Set up `frame` for `f` (state already allocated and NULL-filled).
pub fn init_frame(frame: &mut Frame, fv: Value, f: &Function, locals: Value) {
    let code = f.code();
    let ctx = f.context();
    frame.fun = fv;
    frame.code = code;
    frame.ip = code.code_start;
    frame.sp = -1;
    frame.exc_sp = -1;
    frame.globals = ctx.globals;
    frame.locals = if locals.is_null() {
        ctx.globals
    } else {
        locals
    };
}

fn print(out: &mut dyn Print, fv: Value, _k: PrintKind) -> PyResult<()> {
    let name = get(fv).map(|f| f.code().name.as_str()).unwrap_or("?");
    out.write_str("<function ")?;
    out.write_str(name)?;
    out.write_str(" at 0x")?;
    crate::objs::str::print_hex(out, fv.bits())?;
    out.write_str(">")
}

fn attr(fv: Value, name: crate::qstr::Qstr, op: crate::obj::AttrOp) -> PyResult<Option<Value>> {
    let Some(f) = get(fv) else { return Ok(None) };
    if op != crate::obj::AttrOp::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::__name__ => Some(Value::qstr(f.code().name)),
        Q::__globals__ => Some(f.context().globals),
        Q::__code__ => Some(crate::objs::code::new(f.context, f.code)?),
        _ => None,
    })
}

pub static TYPE: Type = Type {
    name: Q::function,
    flags: flags::BINDS_SELF,
    make_new: Some(crate::objs::code::function_make_new),
    print: Some(print),
    call: Some(call),
    attr: Some(attr),
    ..Type::EMPTY
};

// --- closures ---

#[repr(C)]
pub struct Closure {
    pub base: ObjBase,
    pub fun: Value,
    pub n_cells: usize,
}

pub fn closure_new(fun: Value, cells: &[Value]) -> PyResult<Value> {
    let p = crate::mem::alloc_var::<Closure, Value>(
        Closure {
            base: ObjBase::new(&CLOSURE_TYPE),
            fun,
            n_cells: cells.len(),
        },
        cells.len(),
    )?;
    // SAFETY: room for the cells follows the header.
    unsafe {
        let dst = crate::mem::items_ptr::<Closure, Value>(p);
        core::ptr::copy_nonoverlapping(cells.as_ptr(), dst, cells.len());
    }
    Ok(Value::from_ptr(p))
}

fn closure_call(cv: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    // SAFETY: only installed on CLOSURE_TYPE.
    let c: &Closure = unsafe { cv.downcast_unchecked() };
    // SAFETY: the cells follow the header.
    let cells = unsafe {
        core::slice::from_raw_parts(crate::mem::items_ptr::<Closure, Value>(c), c.n_cells)
    };
    let n = cells.len() + args.len();
    const INLINE: usize = 12;
    if n <= INLINE {
        let mut buf = [Value::NULL; INLINE];
        buf[..cells.len()].copy_from_slice(cells);
        buf[cells.len()..n].copy_from_slice(args);
        crate::runtime::call(c.fun, &buf[..n], kw)
    } else {
        let all = crate::objs::list::new(cells)?;
        let l = crate::objs::list::get(all).ok_or_else(crate::mem::oom)?;
        for a in args {
            l.push(*a)?;
        }
        crate::runtime::call(c.fun, l.items(), kw)
    }
}

fn closure_print(out: &mut dyn Print, cv: Value, k: PrintKind) -> PyResult<()> {
    // SAFETY: only installed on CLOSURE_TYPE.
    let c: &Closure = unsafe { cv.downcast_unchecked() };
    print(out, c.fun, k)
}

fn closure_attr(
    cv: Value,
    name: crate::qstr::Qstr,
    op: crate::obj::AttrOp,
) -> PyResult<Option<Value>> {
    // SAFETY: only installed on CLOSURE_TYPE.
    let c: &Closure = unsafe { cv.downcast_unchecked() };
    attr(c.fun, name, op)
}

pub static CLOSURE_TYPE: Type = Type {
    name: Q::closure,
    flags: flags::BINDS_SELF,
    print: Some(closure_print),
    call: Some(closure_call),
    attr: Some(closure_attr),
    ..Type::EMPTY
};

// --- cells ---

#[repr(C)]
pub struct Cell {
    pub base: ObjBase,
    pub value: Value,
}

pub fn cell_new(value: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(Cell {
        base: ObjBase::new(&CELL_TYPE),
        value,
    })?))
}

/// The cell behind a local slot (checked: bad bytecode gets an exception, not UB).
pub fn cell(v: Value) -> PyResult<&'static mut Cell> {
    v.downcast(&CELL_TYPE)
        .ok_or_else(|| raise::runtime_error("expected a cell"))
}

pub static CELL_TYPE: Type = Type {
    name: Q::cell,
    ..Type::EMPTY
};
