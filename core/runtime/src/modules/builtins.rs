//! `builtins`: the built-in functions and the names of the built-in types and exceptions
//! (py/modbuiltins.c). The globals table is static; `builtins.x = v` assignments go into an
//! overrides dict held in the interpreter roots.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::obj::{PrintKind, PyResult, Type};
use crate::objs::{self, dict, exception, function, list, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::{binary as bop, unary as uop};

/// Value of a builtin name: overrides first, then the static table.
pub fn lookup(q: Qstr) -> Option<Value> {
    let st = state::get();
    if !st.roots.builtins_dict.is_null() {
        if let Some(v) = dict::map_of(st.roots.builtins_dict).and_then(|m| m.get_qstr(q)) {
            return Some(v);
        }
    }
    static_lookup(q)
}

/// Entries of the static-name cache: `qstr id << 8 | position`, 0 = empty.
const CACHE_SLOTS: usize = 64;
const NOT_BUILTIN: u32 = 0xff;
static CACHE: [AtomicU32; CACHE_SLOTS] = [const { AtomicU32::new(0) }; CACHE_SLOTS];

/// A name in the static tables (functions and types, then exceptions). Every LOAD_GLOBAL of
/// a builtin ends here, and the tables hold about 150 names, so the position found (or its
/// absence) is remembered in a small direct-mapped cache: the tables never change.
fn static_lookup(q: Qstr) -> Option<Value> {
    let id = q.0;
    let slot = &CACHE[(id as usize) % CACHE_SLOTS];
    let c = slot.load(Ordering::Relaxed);
    let pos = if c != 0 && c >> 8 == id {
        let p = c & 0xff;
        (p != NOT_BUILTIN).then_some(p as usize)
    } else {
        let found = MODULE.table.position(q).or_else(|| {
            exception::ALL
                .iter()
                .position(|t| t.name == q)
                .map(|i| i + MODULE.table.len())
        });
        // Ids beyond 24 bits or positions beyond the byte are simply not cached.
        let enc = match found {
            Some(p) if p < NOT_BUILTIN as usize => Some(p as u32),
            Some(_) => None,
            None => Some(NOT_BUILTIN),
        };
        if let Some(e) = enc {
            if id != 0 && id < (1 << 24) {
                slot.store(id << 8 | e, Ordering::Relaxed);
            }
        }
        found
    }?;
    match MODULE.table.value_at(pos) {
        Some(v) => Some(v),
        None => exception::ALL
            .get(pos.wrapping_sub(MODULE.table.len()))
            .map(|t| t.as_value()),
    }
}

/// A builtin replaced by the program (`builtins.name = value`), if any.
pub fn overridden(q: Qstr) -> Option<Value> {
    let d = state::get().roots.builtins_dict;
    if d.is_null() {
        return None;
    }
    dict::map_of(d).and_then(|m| m.get_qstr(q))
}

/// `builtins.name = value`.
pub fn store_override(q: Qstr, v: Value) -> PyResult<()> {
    let st = state::get();
    if st.roots.builtins_dict.is_null() {
        st.roots.builtins_dict = dict::new()?;
    }
    if let Some(m) = dict::map_of(state::get().roots.builtins_dict) {
        m.insert_qstr(q, v)?;
    }
    Ok(())
}

/// Whether keyword `key` (a qstr or str) is `name`.
fn kw_is(key: Value, name: Qstr) -> bool {
    key.as_qstr() == Some(name) || pystr::as_str(key) == Some(name.as_str())
}

/// The value of keyword `name` in `kw` (name, value pairs). Shared by the modules taking
/// keywords.
pub(crate) fn kw_get(kw: &[Value], name: Qstr) -> Option<Value> {
    kw.chunks_exact(2).find(|p| kw_is(p[0], name)).map(|p| p[1])
}

/// The first keyword of `kw` not in `allowed`.
pub(crate) fn kw_unknown(kw: &[Value], allowed: &[Qstr]) -> Option<Value> {
    kw.chunks_exact(2)
        .find(|p| !allowed.iter().any(|a| kw_is(p[0], *a)))
        .map(|p| p[0])
}

/// "function expected at most N arguments, got M", built once for every module.
pub(crate) use crate::objs::list::too_many_args;

/// TypeError for the first keyword of `kw` not in `allowed`.
pub(crate) fn check_kw(kw: &[Value], allowed: &[Qstr]) -> PyResult<()> {
    match kw_unknown(kw, allowed) {
        Some(k) => Err(raise::type_error_fmt(format_args!(
            "unexpected keyword argument '{}'",
            pystr::as_str(k).unwrap_or("?")
        ))),
        None => Ok(()),
    }
}

// --- class building ---

fn build_class(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let (body, name) = match args {
        [b, n, ..] => (*b, *n),
        _ => return Err(raise::type_error("__build_class__: not enough arguments")),
    };
    let _ = kw;
    let bases = tuple::new(&args[2..])?;
    let locals = dict::new()?;
    let cell = function::call_with_locals(body, &[], locals)?;
    let q = pystr::as_str(name)
        .and_then(Qstr::intern)
        .ok_or_else(|| raise::type_error("class name must be str"))?;
    // A metaclass given as keyword or inherited from the first base.
    let meta = kw_get(kw, Q::metaclass);
    let cls = match meta {
        Some(m) if m != objs::r#type::TYPE.as_value() => {
            runtime::call(m, &[name, bases, locals], &[])?
        }
        _ => objs::r#type::new_class(q, bases, locals)?,
    };
    if cell.is_type(&function::CELL_TYPE) {
        function::cell(cell)?.value = cls;
    }
    Ok(cls)
}

pub fn build_class_fun() -> Value {
    crate::fun!(
        __build_class__,
        Kw {
            min: 2,
            f: build_class
        }
    )
}

// --- printing ---

fn print(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    check_kw(kw, &[Q::sep, Q::end, Q::file, Q::flush])?;
    let sep = kw_get(kw, Q::sep).filter(|v| !v.is_none());
    let end = kw_get(kw, Q::end).filter(|v| !v.is_none());
    let file = kw_get(kw, Q::file).filter(|v| !v.is_none());
    let sep = match sep {
        Some(s) => {
            pystr::as_str(s).ok_or_else(|| raise::type_error("sep must be None or a string"))?
        }
        None => " ",
    };
    let end = match end {
        Some(e) => {
            pystr::as_str(e).ok_or_else(|| raise::type_error("end must be None or a string"))?
        }
        None => "\n",
    };
    let emit = |out: &mut dyn crate::obj::Print| -> PyResult<()> {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.write_str(sep)?;
            }
            runtime::print_value(out, *a, PrintKind::Str)?;
        }
        out.write_str(end)
    };
    match file {
        Some(f) => emit(&mut crate::modules::io::FilePrint(f))?,
        // Straight to the console: printing must not need the heap (it works under
        // heap_lock, as upstream's does).
        None => emit(&mut crate::exec::Stdout)?,
    }
    Ok(Value::NONE)
}

fn repl_print(v: Value) -> PyResult<Value> {
    if !v.is_none() {
        store_override(Q::_underscore_, v)?;
        let mut out = VStr::new();
        runtime::print_value(&mut out, v, PrintKind::Repr)?;
        out.push_byte(b'\n')?;
        crate::modules::sys::stdout_write(out.as_bytes())?;
    }
    Ok(Value::NONE)
}

// --- simple functions ---

fn len(v: Value) -> PyResult<Value> {
    runtime::unary_op(uop::LEN, v)
}

fn abs(v: Value) -> PyResult<Value> {
    runtime::unary_op(uop::ABS, v)
}

fn hash(v: Value) -> PyResult<Value> {
    runtime::unary_op(uop::HASH, v)
}

fn id(v: Value) -> PyResult<Value> {
    crate::objs::int::from_isize((v.bits() >> 1) as isize)
}

fn repr(v: Value) -> PyResult<Value> {
    runtime::repr(v)
}

pub fn callable(v: Value) -> PyResult<Value> {
    let ty = v.type_of();
    let c = ty.call().is_some()
        && (!ty.is_heap()
            || objs::r#type::as_type(v).is_some()
            || runtime::lookup_in_type(ty, Q::__call__).is_some());
    Ok(Value::from_bool(c || objs::r#type::as_type(v).is_some()))
}

fn all(v: Value) -> PyResult<Value> {
    let mut buf = [Value::NULL; 4];
    let it = runtime::get_iter_buf(v, &mut buf)?;
    while let Some(x) = runtime::iter_next(it)? {
        if !runtime::is_true(x)? {
            return Ok(Value::FALSE);
        }
    }
    Ok(Value::TRUE)
}

fn any(v: Value) -> PyResult<Value> {
    let mut buf = [Value::NULL; 4];
    let it = runtime::get_iter_buf(v, &mut buf)?;
    while let Some(x) = runtime::iter_next(it)? {
        if runtime::is_true(x)? {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}

fn chr(v: Value) -> PyResult<Value> {
    let n = v
        .as_small_int()
        .ok_or_else(|| raise::type_error("can't convert to int"))?;
    let c = u32::try_from(n)
        .ok()
        .filter(|&c| c < 0x110000)
        .ok_or_else(|| raise::value_error("char not in range(0x110000)"))?;
    pystr::from_code_point(c)
}

#[cold]
fn ord_length_error(n: usize) -> crate::obj::PyErr {
    raise::type_error_fmt(format_args!(
        "ord() expected a character, but string of length {} found",
        n
    ))
}

fn ord(v: Value) -> PyResult<Value> {
    if let Some(s) = pystr::as_str(v) {
        let mut it = s.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            return Ok(Value::small_int(c as isize));
        }
        return Err(ord_length_error(s.chars().count()));
    }
    if let Some(b) = pystr::as_bytes(v) {
        if let [c] = b {
            return Ok(Value::small_int(*c as isize));
        }
        return Err(ord_length_error(b.len()));
    }
    if let Some(buf) = v
        .type_of()
        .buffer()
        .and_then(|f| f(v, crate::obj::BufferAccess::Read))
    {
        if buf.len == 1 {
            // SAFETY: the buffer has one readable byte.
            return Ok(Value::small_int(unsafe { *buf.ptr } as isize));
        }
    }
    Err(raise::type_error("ord expected string of length 1"))
}

fn int_to_base(v: Value, base: u32, prefix: &str) -> PyResult<Value> {
    let v = if v.is_bool() {
        Value::small_int((v == Value::TRUE) as isize)
    } else {
        v
    };
    crate::objs::int::format_base(v, base, prefix)
}

fn bin(v: Value) -> PyResult<Value> {
    int_to_base(v, 2, "0b")
}
fn oct(v: Value) -> PyResult<Value> {
    int_to_base(v, 8, "0o")
}
fn hex(v: Value) -> PyResult<Value> {
    int_to_base(v, 16, "0x")
}

fn divmod(a: Value, b: Value) -> PyResult<Value> {
    let q = runtime::binary_op(bop::FLOOR_DIVIDE, a, b)?;
    let r = runtime::binary_op(bop::MODULO, a, b)?;
    tuple::new(&[q, r])
}

fn pow(args: &[Value]) -> PyResult<Value> {
    match args {
        [a, b] => runtime::binary_op(bop::POWER, *a, *b),
        [a, b, m] if m.is_none() => runtime::binary_op(bop::POWER, *a, *b),
        [a, b, m] => crate::objs::int::pow3(*a, *b, *m),
        _ => Err(raise::type_error("pow expected 2 or 3 arguments")),
    }
}

fn name_arg(v: Value) -> PyResult<Qstr> {
    // Names are usually interned already; skip re-interning their text.
    if let Some(q) = v.as_qstr() {
        return Ok(q);
    }
    let s = pystr::as_str(v).ok_or_else(|| raise::type_error("attribute name must be string"))?;
    runtime::intern_name(s)
}

fn getattr(args: &[Value]) -> PyResult<Value> {
    let q = name_arg(args[1])?;
    match args.get(2) {
        None => runtime::load_attr(args[0], q),
        // A plain miss builds no AttributeError (its message and traceback were most of the
        // heap churn of `getattr(obj, name, default)` loops).
        Some(d) => match runtime::load_attr_opt(args[0], q) {
            Ok(v) => Ok(v.unwrap_or(*d)),
            Err(e) if runtime::is_instance(e.0, &exception::ATTRIBUTE_ERROR) => Ok(*d),
            Err(e) => Err(e),
        },
    }
}

fn setattr(o: Value, n: Value, v: Value) -> PyResult<Value> {
    runtime::store_attr(o, name_arg(n)?, v)?;
    Ok(Value::NONE)
}

fn delattr(o: Value, n: Value) -> PyResult<Value> {
    runtime::delete_attr(o, name_arg(n)?)?;
    Ok(Value::NONE)
}

fn hasattr(o: Value, n: Value) -> PyResult<Value> {
    match runtime::load_attr_opt(o, name_arg(n)?) {
        Ok(v) => Ok(Value::from_bool(v.is_some())),
        Err(e) if runtime::is_instance(e.0, &exception::ATTRIBUTE_ERROR) => Ok(Value::FALSE),
        Err(e) => Err(e),
    }
}

fn class_or_tuple_check(ty_val: Value, f: &dyn Fn(&'static Type) -> bool) -> PyResult<bool> {
    if let Some(t) = objs::r#type::as_type(ty_val) {
        return Ok(f(t));
    }
    if let Some(items) = tuple::items(ty_val) {
        for i in items.iter() {
            if class_or_tuple_check(*i, f)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Err(raise::type_error(
        "isinstance expects a type or a tuple of types",
    ))
}

fn isinstance(v: Value, t: Value) -> PyResult<Value> {
    let vt = v.type_of();
    Ok(Value::from_bool(class_or_tuple_check(t, &|ty| {
        runtime::is_subclass(vt, ty)
    })?))
}

fn issubclass(c: Value, t: Value) -> PyResult<Value> {
    let ct = objs::r#type::as_type(c)
        .ok_or_else(|| raise::type_error("issubclass() arg 1 must be a class"))?;
    Ok(Value::from_bool(class_or_tuple_check(t, &|ty| {
        runtime::is_subclass(ct, ty)
    })?))
}

#[cfg(feature = "os_unix")]
fn iter(args: &[Value]) -> PyResult<Value> {
    match args {
        [v] => runtime::get_iter(*v),
        [f, sentinel] => objs::iter::new_callable_iter(*f, *sentinel),
        _ => Err(raise::type_error("iter expected at most 2 arguments")),
    }
}

fn next(args: &[Value]) -> PyResult<Value> {
    state::get().roots.stop_iteration = Value::NULL;
    match runtime::iter_next(args[0])? {
        Some(v) => Ok(v),
        None => match args.get(1) {
            Some(d) => Ok(*d),
            None => {
                // A user __next__ may have stopped with a value: re-raise that exception.
                let st = state::get();
                let e = core::mem::replace(&mut st.roots.stop_iteration, Value::NULL);
                if e.is_null() {
                    Err(raise::stop_iteration(Value::NONE))
                } else {
                    Err(crate::obj::PyErr(e))
                }
            }
        },
    }
}

fn min_max(args: &[Value], kw: &[Value], op: u8) -> PyResult<Value> {
    check_kw(kw, &[Q::key, Q::default])?;
    let key = kw_get(kw, Q::key).filter(|k| !k.is_none());
    let default = kw_get(kw, Q::default);
    let mut best = Value::NULL;
    let mut best_key = Value::NULL;
    let mut consider = |x: Value| -> PyResult<()> {
        let k = match key {
            Some(f) => runtime::call(f, &[x], &[])?,
            None => x,
        };
        if best.is_null() || runtime::compare(op, k, best_key)? {
            best = x;
            best_key = k;
        }
        Ok(())
    };
    if args.len() == 1 {
        let mut buf = [Value::NULL; 4];
        let it = runtime::get_iter_buf(args[0], &mut buf)?;
        while let Some(x) = runtime::iter_next(it)? {
            consider(x)?;
        }
    } else {
        for x in args {
            consider(*x)?;
        }
    }
    if best.is_null() {
        return match default {
            Some(d) => Ok(d),
            None => Err(raise::value_error("arg is an empty sequence")),
        };
    }
    Ok(best)
}

fn min(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    min_max(args, kw, bop::LESS)
}

fn max(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    min_max(args, kw, bop::MORE)
}

fn sum(args: &[Value]) -> PyResult<Value> {
    let mut acc = args.get(1).copied().unwrap_or(Value::small_int(0));
    let mut buf = [Value::NULL; 4];
    let it = runtime::get_iter_buf(args[0], &mut buf)?;
    while let Some(x) = runtime::iter_next(it)? {
        acc = runtime::binary_op(bop::ADD, acc, x)?;
    }
    Ok(acc)
}

fn round(args: &[Value]) -> PyResult<Value> {
    let x = args[0];
    let nd = args.get(1).copied().filter(|v| !v.is_none());
    if x.is_small_int() || x.is_bool() {
        let n = if x.is_bool() {
            (x == Value::TRUE) as isize
        } else {
            x.as_small_int_unchecked()
        };
        match nd.and_then(|d| d.as_small_int()) {
            Some(d) if d < 0 => {
                let p = 10isize.checked_pow((-d) as u32).unwrap_or(isize::MAX);
                let r = n.rem_euclid(p);
                let mut q = n - r;
                if r * 2 > p || (r * 2 == p && (q / p) % 2 != 0) {
                    q += p;
                }
                return crate::objs::int::from_isize(q);
            }
            _ => return Ok(Value::small_int(n)),
        }
    }
    if let Some(f) = runtime::lookup_in_type(x.type_of(), Q::__round__) {
        let m = runtime::load_attr_bound(f, x, x.type_of(), x.type_of())?;
        return match nd {
            Some(d) => runtime::call(m, &[d], &[]),
            None => runtime::call(m, &[], &[]),
        };
    }
    crate::objs::float::round(x, nd)
}

fn dir(args: &[Value]) -> PyResult<Value> {
    let out = list::new(&[])?;
    let push = |q: Qstr| -> PyResult<()> {
        let v = Value::qstr(q);
        if list::get(out)
            .map(|l| l.items().contains(&v))
            .unwrap_or(false)
        {
            return Ok(());
        }
        list::append(out, v)
    };
    match args.first() {
        None => {
            if let Some(m) = dict::map_of(crate::modules::sys::current_globals()) {
                for (k, _) in m.iter() {
                    list::append(out, k)?;
                }
            }
        }
        Some(&v) => {
            if v.type_of().is_heap() {
                if let Some(f) = runtime::lookup_in_type(v.type_of(), Q::__dir__) {
                    return runtime::call(f, &[v], &[]);
                }
            }
            if let Some(m) = objs::module::get(v) {
                if let Some(d) = dict::map_of(m.globals) {
                    for (k, _) in d.iter() {
                        list::append(out, k)?;
                    }
                }
                for (k, _) in m.table.iter() {
                    push(k)?;
                }
                if m.name == Q::builtins && m.globals.is_null() {
                    for t in exception::ALL.iter() {
                        push(t.name)?;
                    }
                }
                if m.name == Q::sys && m.globals.is_null() {
                    for &q in crate::modules::sys::DYNAMIC_ATTRS {
                        push(q)?;
                    }
                }
            } else {
                if let Some(d) = objs::r#type::instance_dict_keys(v)? {
                    for k in d {
                        if let Some(q) = k.as_qstr() {
                            push(q)?;
                        }
                    }
                }
                let ty = objs::r#type::as_type(v).unwrap_or_else(|| v.type_of());
                objs::r#type::for_each_attr(ty, &mut |q| push(q))?;
                push(Q::__class__)?;
            }
        }
    }
    Ok(out)
}

fn globals() -> PyResult<Value> {
    Ok(crate::modules::sys::current_globals())
}

fn locals() -> PyResult<Value> {
    let l = state::get().roots.cur_locals;
    if l.is_null() {
        Ok(crate::modules::sys::current_globals())
    } else {
        Ok(l)
    }
}

fn exec_or_eval(args: &[Value], mode: upy_compiler::ast::ParseMode) -> PyResult<Value> {
    exec_or_eval_named(args, mode, "<string>")
}

fn exec_or_eval_named(
    args: &[Value],
    mode: upy_compiler::ast::ParseMode,
    file: &str,
) -> PyResult<Value> {
    let src = args
        .first()
        .copied()
        .ok_or_else(|| raise::type_error("missing source"))?;
    let globals = match args.get(1) {
        Some(g) if !g.is_none() => {
            if dict::map_of(*g).is_none() {
                return Err(raise::type_error("globals must be a dict"));
            }
            *g
        }
        _ => crate::modules::sys::current_globals(),
    };
    let locals = match args.get(2) {
        Some(l) if !l.is_none() => {
            if dict::map_of(*l).is_none() {
                return Err(raise::type_error("locals must be a dict"));
            }
            *l
        }
        _ => globals,
    };
    if src.is_type(&objs::function::TYPE) {
        return runtime::call(src, &[], &[]);
    }
    if src.is_type(&objs::code::TYPE) {
        return objs::code::execute(src, globals, locals);
    }
    let text = match pystr::as_str(src) {
        Some(s) => s,
        None => {
            let bytes: &[u8] = match pystr::as_bytes(src) {
                Some(b) => b,
                None => match src
                    .type_of()
                    .buffer()
                    .and_then(|f| f(src, crate::obj::BufferAccess::Read))
                {
                    // SAFETY: the buffer stays valid while `src` is alive (it is on our stack).
                    Some(b) => unsafe { core::slice::from_raw_parts(b.ptr as *const u8, b.len) },
                    None => return Err(raise::type_error("exec/eval expects a string")),
                },
            };
            core::str::from_utf8(bytes).map_err(|_| raise::unicode_error("invalid utf-8"))?
        }
    };
    crate::exec::exec_source(text, file, mode, globals, locals)
}

/// `execfile(path[, globals[, locals]])`: run a source file, read through the VFS mounts.
fn execfile(args: &[Value]) -> PyResult<Value> {
    let path = pystr::as_str(args[0]).ok_or_else(|| raise::type_error("expected str"))?;
    let hal = state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no hal"))?;
    let mut bytes = alloc::vec::Vec::new();
    crate::modules::vfs::ImportFs(hal)
        .read_file(path, &mut bytes)
        .map_err(raise::os_error)?;
    let text = core::str::from_utf8(&bytes).map_err(|_| raise::unicode_error("invalid utf-8"))?;
    let src = pystr::new(text)?;
    let mut call = [src, Value::NONE, Value::NONE];
    for (slot, a) in call.iter_mut().skip(1).zip(args.iter().skip(1)) {
        *slot = *a;
    }
    exec_or_eval_named(&call, upy_compiler::ast::ParseMode::File, path)?;
    Ok(Value::NONE)
}

fn eval(args: &[Value]) -> PyResult<Value> {
    exec_or_eval(args, upy_compiler::ast::ParseMode::Eval)
}

fn exec(args: &[Value]) -> PyResult<Value> {
    exec_or_eval(args, upy_compiler::ast::ParseMode::File)?;
    Ok(Value::NONE)
}

fn import(args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let name = pystr::as_str(args[0])
        .ok_or_else(|| raise::type_error("__import__ expects a str"))
        .and_then(runtime::intern_name)?;
    // `from . import x` reaches __import__ with an empty name and a level above 0.
    let relative = args.get(4).and_then(|v| v.as_small_int()).unwrap_or(0) > 0;
    if name.as_str().is_empty() && !relative {
        return Err(raise::value_error("empty module name"));
    }
    if let Some(l) = args.get(4).and_then(|v| v.as_small_int()) {
        if l < 0 {
            return Err(raise::value_error("level must be >= 0"));
        }
        if l > 0
            && args
                .get(1)
                .map(|g| !g.is_none() && dict::map_of(*g).is_none())
                .unwrap_or(false)
        {
            return Err(raise::type_error("globals must be a dict"));
        }
    }
    let globals = args
        .get(1)
        .copied()
        .filter(|v| !v.is_none())
        .unwrap_or_else(crate::modules::sys::current_globals);
    let fromlist = args.get(3).copied().unwrap_or(Value::NONE);
    let level = args.get(4).and_then(|v| v.as_small_int()).unwrap_or(0) as usize;
    crate::import::import_name(name, fromlist, level, globals)
}

fn input(args: &[Value]) -> PyResult<Value> {
    if let Some(p) = args.first() {
        let mut s = VStr::new();
        runtime::print_value(&mut s, *p, PrintKind::Str)?;
        crate::modules::sys::stdout_write(s.as_bytes())?;
    }
    let hal = state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no console"))?;
    let mut line = alloc::vec::Vec::new();
    let end = hal.read_line(&mut line);
    match end {
        crate::hal::InputEnd::Interrupt => {
            return Err(raise::with_args(&objs::exception::KEYBOARD_INTERRUPT, &[]))
        }
        crate::hal::InputEnd::Eof => {
            // A read ended by Ctrl-C (SIGINT) raises KeyboardInterrupt, not EOFError.
            crate::vm::take_pending()?;
            if line.is_empty() {
                return Err(raise::eof_error(""));
            }
        }
        crate::hal::InputEnd::Enter => {}
    }
    pystr::new(&alloc::string::String::from_utf8_lossy(&line))
}

macro_rules! ty {
    ($name:ident, $t:expr) => {
        (Q::$name, Value::from_static(&$t))
    };
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::builtins)),
    crate::entry!(
        __build_class__,
        crate::fun!(
            __build_class__,
            Kw {
                min: 2,
                f: build_class
            }
        )
    ),
    crate::entry!(
        __import__,
        crate::fun!(__import__, Kw { min: 1, f: import })
    ),
    crate::entry!(__repl_print__, crate::fun!(__repl_print__, F1(repl_print))),
    crate::entry!(abs, crate::fun!(abs, F1(abs))),
    crate::entry!(all, crate::fun!(all, F1(all))),
    crate::entry!(any, crate::fun!(any, F1(any))),
    crate::entry!(bin, crate::fun!(bin, F1(bin))),
    crate::entry!(callable, crate::fun!(callable, F1(callable))),
    crate::entry!(chr, crate::fun!(chr, F1(chr))),
    crate::entry!(
        compile,
        crate::fun!(
            compile,
            Var {
                min: 3,
                max: 6,
                f: objs::code::compile
            }
        )
    ),
    crate::entry!(delattr, crate::fun!(delattr, F2(delattr))),
    crate::entry!(
        dir,
        crate::fun!(
            dir,
            Var {
                min: 0,
                max: 1,
                f: dir
            }
        )
    ),
    crate::entry!(divmod, crate::fun!(divmod, F2(divmod))),
    crate::entry!(
        eval,
        crate::fun!(
            eval,
            Var {
                min: 1,
                max: 3,
                f: eval
            }
        )
    ),
    crate::entry!(
        exec,
        crate::fun!(
            exec,
            Var {
                min: 1,
                max: 3,
                f: exec
            }
        )
    ),
    crate::entry!(
        execfile,
        crate::fun!(
            execfile,
            Var {
                min: 1,
                max: 3,
                f: execfile
            }
        )
    ),
    crate::entry!(
        getattr,
        crate::fun!(
            getattr,
            Var {
                min: 2,
                max: 3,
                f: getattr
            }
        )
    ),
    crate::entry!(globals, crate::fun!(globals, F0(globals))),
    crate::entry!(hasattr, crate::fun!(hasattr, F2(hasattr))),
    crate::entry!(hash, crate::fun!(hash, F1(hash))),
    crate::entry!(hex, crate::fun!(hex, F1(hex))),
    crate::entry!(id, crate::fun!(id, F1(id))),
    crate::entry!(
        input,
        crate::fun!(
            input,
            Var {
                min: 0,
                max: 1,
                f: input
            }
        )
    ),
    crate::entry!(isinstance, crate::fun!(isinstance, F2(isinstance))),
    crate::entry!(issubclass, crate::fun!(issubclass, F2(issubclass))),
    #[cfg(feature = "os_unix")]
    crate::entry!(
        iter,
        crate::fun!(
            iter,
            Var {
                min: 1,
                max: 2,
                f: iter
            }
        )
    ),
    // `iter(callable, sentinel)` is CPython's: MicroPython's iter takes one argument.
    #[cfg(not(feature = "os_unix"))]
    crate::entry!(iter, crate::fun!(iter, F1(runtime::get_iter))),
    crate::entry!(len, crate::fun!(len, F1(len))),
    crate::entry!(locals, crate::fun!(locals, F0(locals))),
    crate::entry!(max, crate::fun!(max, Kw { min: 1, f: max })),
    crate::entry!(min, crate::fun!(min, Kw { min: 1, f: min })),
    crate::entry!(
        next,
        crate::fun!(
            next,
            Var {
                min: 1,
                max: 2,
                f: next
            }
        )
    ),
    crate::entry!(oct, crate::fun!(oct, F1(oct))),
    (Q::open, crate::modules::io::OPEN),
    crate::entry!(ord, crate::fun!(ord, F1(ord))),
    crate::entry!(
        pow,
        crate::fun!(
            pow,
            Var {
                min: 2,
                max: 3,
                f: pow
            }
        )
    ),
    crate::entry!(print, crate::fun!(print, Kw { min: 0, f: print })),
    crate::entry!(repr, crate::fun!(repr, F1(repr))),
    crate::entry!(
        round,
        crate::fun!(
            round,
            Var {
                min: 1,
                max: 2,
                f: round
            }
        )
    ),
    crate::entry!(setattr, crate::fun!(setattr, F3(setattr))),
    crate::entry!(
        sorted,
        crate::fun!(
            sorted,
            Kw {
                min: 1,
                f: objs::list::sorted
            }
        )
    ),
    crate::entry!(
        sum,
        crate::fun!(
            sum,
            Var {
                min: 1,
                max: 2,
                f: sum
            }
        )
    ),
    // CPython's `format()`, which MicroPython lacks: the unix port's only.
    #[cfg(feature = "os_unix")]
    (Q::format, objs::str_format::FORMAT_FUN),
    ty!(bytearray, objs::bytearray::TYPE),
    ty!(memoryview, objs::memoryview::TYPE),
    (Q::Ellipsis, Value::from_static(&objs::singletons::ELLIPSIS)),
    (
        Q::NotImplemented,
        Value::from_static(&objs::singletons::NOT_IMPLEMENTED),
    ),
    ty!(bool, objs::bool::TYPE),
    ty!(bytearray, objs::bytearray::TYPE),
    ty!(complex, objs::complex::TYPE),
    ty!(enumerate, objs::enumerate::TYPE),
    ty!(filter, objs::filter::TYPE),
    ty!(float, objs::float::TYPE),
    ty!(frozenset, objs::set::FROZENSET_TYPE),
    ty!(map, objs::map_iter::TYPE),
    ty!(memoryview, objs::memoryview::TYPE),
    ty!(range, objs::range::TYPE),
    ty!(reversed, objs::reversed::TYPE),
    ty!(set, objs::set::TYPE),
    ty!(zip, objs::zip::TYPE),
    ty!(bytes, objs::str::BYTES_TYPE),
    ty!(classmethod, objs::fun::CLASSMETHOD_TYPE),
    ty!(dict, objs::dict::TYPE),
    ty!(int, objs::int::TYPE),
    ty!(list, objs::list::TYPE),
    ty!(object, objs::object::TYPE),
    ty!(property, objs::property::TYPE),
    ty!(slice, objs::slice::TYPE),
    ty!(staticmethod, objs::fun::STATICMETHOD_TYPE),
    ty!(str, objs::str::TYPE),
    ty!(super_, objs::superobj::TYPE),
    ty!(tuple, objs::tuple::TYPE),
    ty!(r#type, objs::r#type::TYPE),
];

pub static MODULE: Module = Module::new_static(Q::builtins, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_lookup_is_stable_through_the_cache() {
        for _ in 0..3 {
            assert!(static_lookup(Q::len).is_some());
            assert_eq!(
                static_lookup(Q::ValueError),
                Some(exception::VALUE_ERROR.as_value())
            );
            assert_eq!(static_lookup(Q::__init__), None);
        }
        // Every table entry comes back as itself, also once cached.
        for _ in 0..2 {
            for (k, v) in GLOBALS {
                assert!(static_lookup(*k) == Some(*v));
            }
        }
    }
}
