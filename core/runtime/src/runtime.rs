//! Runtime dispatch: the operations the VM and the built-ins perform on arbitrary values
//! (truth, printing, operators, calls, attributes, items, iteration, hashing), routed
//! through each type's slots. Mirrors MicroPython's py/runtime.c and py/obj.c.
//!
//! Fast paths for small ints and qstrs live here and in the VM; everything else goes
//! through the `Type` slots, falling back to the errors upstream raises.

use crate::obj::{flags, AttrOp, Print, PrintKind, PyErr, PyResult, SubscrOp, Type};
use crate::objs;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

// --- truth and printing ---

pub fn is_true(v: Value) -> PyResult<bool> {
    if v == Value::TRUE {
        return Ok(true);
    }
    if v == Value::FALSE || v.is_none() || v.is_null() {
        return Ok(false);
    }
    if let Some(n) = v.as_small_int() {
        return Ok(n != 0);
    }
    if let Some(q) = v.as_qstr() {
        return Ok(!q.as_str().is_empty());
    }
    let ty = v.type_of();
    if let Some(f) = ty.unary_op {
        if let Some(r) = f(uop::BOOL, v)? {
            return Ok(r == Value::TRUE);
        }
        if let Some(r) = f(uop::LEN, v)? {
            return Ok(r != Value::small_int(0));
        }
    }
    Ok(true)
}

/// Print `v` in the given form through its type's print slot.
pub fn print_value(out: &mut dyn Print, v: Value, kind: PrintKind) -> PyResult<()> {
    crate::vm::check_stack()?;
    let ty = v.type_of();
    if let Some(p) = ty.print {
        return p(out, v, kind);
    }
    default_print(out, v)
}

/// `<typename object at 0x...>`, MicroPython's default.
/// Built-in objects without a print slot print as `<typename>`, as upstream's do.
pub fn default_print(out: &mut dyn Print, v: Value) -> PyResult<()> {
    out.write_str("<")?;
    out.write_str(v.type_of().name.as_str())?;
    out.write_str(">")
}

/// `repr(v)` as a new str.
pub fn repr(v: Value) -> PyResult<Value> {
    let mut s = crate::vstr::VStr::new();
    print_value(&mut s, v, PrintKind::Repr)?;
    s.into_str()
}

/// `str(v)` as a str (returns `v` itself for exact strs).
pub fn str(v: Value) -> PyResult<Value> {
    if objs::str::is_str(v) {
        return Ok(v);
    }
    let mut s = crate::vstr::VStr::new();
    print_value(&mut s, v, PrintKind::Str)?;
    s.into_str()
}

// --- type relations ---

/// Whether `ty` is `base` or derives from it (built-in parents and heap bases, depth first).
pub fn is_subclass(ty: &'static Type, base: &'static Type) -> bool {
    if core::ptr::eq(ty, base) || core::ptr::eq(base, &objs::object::TYPE) {
        return true;
    }
    if ty.is_heap() {
        if let Some(bases) = objs::tuple::items(ty.bases()) {
            for b in bases.iter() {
                if let Some(bt) = objs::r#type::as_type(*b) {
                    if is_subclass(bt, base) {
                        return true;
                    }
                }
            }
        }
        false
    } else {
        match ty.parent {
            Some(p) => is_subclass(p, base),
            None => false,
        }
    }
}

pub fn is_instance(v: Value, ty: &'static Type) -> bool {
    is_subclass(v.type_of(), ty)
}

/// Look `name` up in `ty` and its ancestors, without binding (MicroPython's class lookup:
/// depth-first, left to right).
pub fn lookup_in_type(ty: &'static Type, name: Qstr) -> Option<Value> {
    objs::r#type::lookup_with_owner(ty, name).map(|(v, _)| v)
}

// --- attributes ---

/// Bind a class attribute found through an instance: functions bind `self`, staticmethod
/// unwraps, classmethod binds the class, property calls its getter.
pub fn load_attr_bound(
    found: Value,
    obj: Value,
    ty: &'static Type,
    owner: &'static Type,
) -> PyResult<Value> {
    let fty = found.type_of();
    if binds_self(found, owner) {
        return objs::fun::bound_method(found, obj);
    }
    if fty.is_type_of(&objs::fun::STATICMETHOD_TYPE) {
        return Ok(objs::fun::wrapped(found));
    }
    if fty.is_type_of(&objs::fun::CLASSMETHOD_TYPE) {
        return objs::fun::bound_method(objs::fun::wrapped(found), ty.as_value());
    }
    if fty.is_type_of(&objs::property::TYPE) {
        return objs::property::get(found, obj);
    }
    if fty.is_heap() {
        // A user descriptor: `__get__(self, instance, owner)`.
        if let Some(get) = lookup_in_type(fty, Q::__get__) {
            let inst = if objs::r#type::as_type(obj).is_some() {
                Value::NONE
            } else {
                obj
            };
            return call(get, &[found, inst, ty.as_value()], &[]);
        }
    }
    Ok(found)
}

/// Whether an attribute found on a class binds the instance as `self`: Python functions
/// always do; built-in functions only when they belong to a built-in type (a built-in
/// function stored in a user class, like `f = abs`, stays a plain function).
#[inline]
pub fn binds_self(found: Value, owner: &'static Type) -> bool {
    let fty = found.type_of();
    fty.has_flag(flags::BINDS_SELF) && !(owner.is_heap() && fty.is_type_of(&objs::fun::TYPE))
}

/// `obj.name`, or `None` if absent (no exception allocated).
pub fn load_attr_opt(obj: Value, name: Qstr) -> PyResult<Option<Value>> {
    let ty = obj.type_of();
    if let Some(f) = ty.attr {
        if let Some(v) = f(obj, name, AttrOp::Load)? {
            return Ok(Some(v));
        }
    }
    if let Some(t) = objs::r#type::as_type(obj) {
        // Attribute of a class itself.
        if let Some(found) = lookup_in_type(t, name) {
            let fty = found.type_of();
            if fty.is_type_of(&objs::fun::STATICMETHOD_TYPE) {
                return Ok(Some(objs::fun::wrapped(found)));
            }
            if fty.is_type_of(&objs::fun::CLASSMETHOD_TYPE) {
                return Ok(Some(objs::fun::bound_method(
                    objs::fun::wrapped(found),
                    obj,
                )?));
            }
            return Ok(Some(found));
        }
        return match name {
            Q::__name__ => Ok(Some(Value::qstr(t.name))),
            // A class's class is its metaclass: `type` here.
            Q::__class__ => Ok(Some(obj.type_of().as_value())),
            Q::__dict__ => {
                if !t.dict().is_null() {
                    return Ok(Some(t.dict()));
                }
                // A built-in type: its attribute table as a read-only dict.
                fixed_dict(&mut t.locals.iter()).map(Some)
            }
            _ => Ok(None),
        };
    }
    if let Some(found) = lookup_in_type(ty, name) {
        return load_attr_bound(found, obj, ty, ty).map(Some);
    }
    if name == Q::__class__ {
        return Ok(Some(ty.as_value()));
    }
    // Built-in iterators expose their slots as methods.
    if name == Q::__next__ && ty.iternext.is_some() {
        return objs::fun::bound_method(crate::fun!(__next__, F1(next_method)), obj).map(Some);
    }
    if name == Q::__iter__ && (ty.getiter.is_some() || ty.has_flag(flags::ITER_IS_ITERNEXT)) {
        return objs::fun::bound_method(crate::fun!(__iter__, F1(get_iter)), obj).map(Some);
    }
    Ok(None)
}

/// A read-only dict holding a static attribute table (`int.__dict__`, `sys.__dict__`).
pub fn fixed_dict(entries: &mut dyn Iterator<Item = (Qstr, Value)>) -> PyResult<Value> {
    let d = objs::dict::new_fixed()?;
    if let Some(m) = objs::dict::map_of(d) {
        for (k, v) in entries {
            m.insert(Value::qstr(k), v)?;
        }
    }
    Ok(d)
}

fn next_method(it: Value) -> PyResult<Value> {
    match iter_next(it)? {
        Some(v) => Ok(v),
        None => Err(raise::stop_iteration(Value::NONE)),
    }
}

#[cold]
fn no_attr(obj: Value, name: Qstr) -> PyErr {
    if let Some(t) = objs::r#type::as_type(obj) {
        raise::attribute_error_fmt(format_args!(
            "type object '{}' has no attribute '{}'",
            t.name.as_str(),
            name.as_str()
        ))
    } else {
        raise::no_attribute(obj.type_of(), name)
    }
}

/// Intern a name given at run time (attribute, class, module, keyword): longer than a
/// qstr may be (255 bytes) is `RuntimeError: name too long`, as upstream.
pub fn intern_name(s: &str) -> PyResult<Qstr> {
    if s.len() > 255 {
        return Err(raise::runtime_error("name too long"));
    }
    Qstr::intern(s).ok_or_else(crate::mem::oom)
}

pub fn load_attr(obj: Value, name: Qstr) -> PyResult<Value> {
    if let Some(v) = objs::r#type::instance_field(obj, name) {
        return Ok(v);
    }
    match load_attr_opt(obj, name)? {
        Some(v) => Ok(v),
        None => Err(no_attr(obj, name)),
    }
}

/// `obj.name` for a call: returns `(method, self)` without allocating a bound method when
/// the attribute is a plain function of the type, else `(value, NULL)`.
pub fn load_method(obj: Value, name: Qstr) -> PyResult<(Value, Value)> {
    let ty = obj.type_of();
    if ty.attr.is_none() || !ty.is_heap() {
        if objs::r#type::as_type(obj).is_none() {
            if let Some(found) = lookup_in_type(ty, name) {
                if found.type_of().has_flag(flags::BINDS_SELF)
                    && (ty.attr.is_none() || !ty.is_heap())
                {
                    // Types with an attr slot might shadow class attributes (modules);
                    // check the slot first for those.
                    if let Some(f) = ty.attr {
                        if let Some(v) = f(obj, name, AttrOp::Load)? {
                            return Ok((v, Value::NULL));
                        }
                    }
                    return Ok((found, obj));
                }
            }
        }
    } else if let Some(found) = objs::r#type::instance_lookup_method(obj, name)? {
        return Ok(found);
    }
    // `int.from_bytes(...)`: a classmethod of a built-in type is called with the type,
    // without a bound method (so it works with the heap locked).
    if let Some(t) = objs::r#type::as_type(obj) {
        if !t.is_heap() {
            if let Some(found) = lookup_in_type(t, name) {
                if found.type_of().is_type_of(&objs::fun::CLASSMETHOD_TYPE) {
                    return Ok((objs::fun::wrapped(found), obj));
                }
            }
        }
    }
    Ok((load_attr(obj, name)?, Value::NULL))
}

pub fn store_attr(obj: Value, name: Qstr, value: Value) -> PyResult<()> {
    let ty = obj.type_of();
    if let Some(f) = ty.attr {
        if f(obj, name, AttrOp::Store(value))?.is_some() {
            return Ok(());
        }
    }
    // Formatted here rather than through `raise::no_attribute`: with the call, this hot
    // function's frame left stale words that the collector's conservative stack scan took
    // for roots (bm_float: +16% instructions, all in marking).
    Err(raise::attribute_error_fmt(format_args!(
        "'{}' object has no attribute '{}'",
        ty.name.as_str(),
        name.as_str()
    )))
}

pub fn delete_attr(obj: Value, name: Qstr) -> PyResult<()> {
    let ty = obj.type_of();
    if let Some(f) = ty.attr {
        if f(obj, name, AttrOp::Delete)?.is_some() {
            return Ok(());
        }
    }
    Err(no_attr(obj, name))
}

// --- calls ---

pub fn call(f: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::vm::check_stack()?;
    let ty = f.type_of();
    match ty.call() {
        Some(c) => c(f, args, kw),
        None => Err(raise::type_error_obj(ty, "isn't callable")),
    }
}

/// Call `fun` with `this` prepended to the positional arguments (NULL `this` = plain call).
pub fn call_method(fun: Value, this: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if this.is_null() {
        return call(fun, args, kw);
    }
    const INLINE: usize = 8;
    if args.len() < INLINE {
        let mut buf = [Value::NULL; INLINE];
        buf[0] = this;
        buf[1..=args.len()].copy_from_slice(args);
        call(fun, &buf[..=args.len()], kw)
    } else {
        let p = crate::mem::alloc_array::<Value>(args.len() + 1)?;
        // SAFETY: p has room for args.len() + 1 values.
        let buf = unsafe { core::slice::from_raw_parts_mut(p, args.len() + 1) };
        buf[0] = this;
        buf[1..].copy_from_slice(args);
        let r = call(fun, buf, kw);
        crate::mem::free(p);
        r
    }
}

pub fn call0(f: Value) -> PyResult<Value> {
    call(f, &[], &[])
}

pub fn call1(f: Value, a: Value) -> PyResult<Value> {
    call(f, &[a], &[])
}

// --- operators ---

/// Dunder names of the binary operators, by operator number (for error messages and the
/// dispatch to class methods): qstr ids, whose text the static table already holds.
static BINARY_OP_NAMES: [Qstr; 52] = [
    Q::__lt__,
    Q::__gt__,
    Q::__eq__,
    Q::__le__,
    Q::__ge__,
    Q::__ne__,
    Q::__contains__,
    Q::NULL,
    Q::NULL,
    Q::__ior__,
    Q::__ixor__,
    Q::__iand__,
    Q::__ilshift__,
    Q::__irshift__,
    Q::__iadd__,
    Q::__isub__,
    Q::__imul__,
    Q::__imatmul__,
    Q::__ifloordiv__,
    Q::__itruediv__,
    Q::__imod__,
    Q::__ipow__,
    Q::__or__,
    Q::__xor__,
    Q::__and__,
    Q::__lshift__,
    Q::__rshift__,
    Q::__add__,
    Q::__sub__,
    Q::__mul__,
    Q::__matmul__,
    Q::__floordiv__,
    Q::__truediv__,
    Q::__mod__,
    Q::__pow__,
    Q::__divmod__,
    Q::__contains__,
    Q::__ror__,
    Q::__rxor__,
    Q::__rand__,
    Q::__rlshift__,
    Q::__rrshift__,
    Q::__radd__,
    Q::__rsub__,
    Q::__rmul__,
    Q::__rmatmul__,
    Q::__rfloordiv__,
    Q::__rtruediv__,
    Q::__rmod__,
    Q::__rpow__,
    Q::NULL,
    Q::NULL,
];

/// The special method an instance's class may define for binary operator `o` (NULL for
/// `is`, exception match and the negated forms, which have none). `in` reaches types as
/// CONTAINS, so its slot is never asked for it.
pub fn binary_op_method(o: u8) -> Qstr {
    match BINARY_OP_NAMES.get(o as usize) {
        Some(q) if o != op::IN => *q,
        _ => Q::NULL,
    }
}

pub fn binary_op_name(o: u8) -> &'static str {
    match BINARY_OP_NAMES.get(o as usize) {
        Some(&Q::NULL) => rare_op_name(o),
        Some(q) => q.as_str(),
        None => "?",
    }
}

// Operators whose names no method lookup needs: spelled here, not made static qstrs (a new
// static name shifts the ids of the sorted ones, which the maps' qstr filters depend on).
fn rare_op_name(o: u8) -> &'static str {
    match o {
        op::IS => "__is__",
        op::EXCEPTION_MATCH => "__exception_match__",
        op::NOT_IN => "__not_in__",
        op::IS_NOT => "__is_not__",
        _ => "?",
    }
}

/// The special method of each unary operator, by number (NULL: `not` and `sizeof`, which
/// have none); instances dispatch through it too.
pub const UNARY_OP_NAMES: [Qstr; 12] = [
    Q::__pos__,
    Q::__neg__,
    Q::__invert__,
    Q::NULL,
    Q::__bool__,
    Q::__len__,
    Q::__hash__,
    Q::__abs__,
    Q::__int__,
    Q::__float__,
    Q::__complex__,
    Q::NULL,
];

/// The same for the unary operators (`not` has no method).
pub fn unary_op_name(o: u8) -> &'static str {
    match UNARY_OP_NAMES.get(o as usize) {
        Some(&Q::NULL) if o == uop::NOT => "<not>",
        Some(&Q::NULL) => "__sizeof__",
        Some(q) => q.as_str(),
        None => "?",
    }
}

pub fn unary_op(o: u8, v: Value) -> PyResult<Value> {
    if o == uop::NOT {
        return Ok(Value::from_bool(!is_true(v)?));
    }
    let ty = v.type_of();
    if let Some(f) = ty.unary_op {
        if let Some(r) = f(o, v)? {
            return Ok(r);
        }
    }
    match o {
        uop::BOOL => Ok(Value::from_bool(is_true(v)?)),
        uop::HASH => Ok(Value::small_int((hash(v)? >> 1) as isize)),
        uop::LEN => Err(raise::type_error_fmt(format_args!(
            "object of type '{}' has no len()",
            ty.name.as_str()
        ))),
        _ => Err(raise::type_error_fmt(format_args!(
            "unsupported type for {}: '{}'",
            unary_op_name(o),
            ty.name.as_str()
        ))),
    }
}

/// `a == b` / `a != b` with MicroPython's rules: identity short-cut (unless the type's
/// equality is not reflexive), then each operand's `==` (or `!=`) in turn, then identity.
/// The result of a user `__eq__` is returned as is for `==`.
pub fn equal_not_equal(o: u8, a: Value, b: Value) -> PyResult<Value> {
    crate::vm::check_stack()?;
    let (t, f) = if o == op::NOT_EQUAL {
        (Value::FALSE, Value::TRUE)
    } else {
        (Value::TRUE, Value::FALSE)
    };
    if a == b && (a.is_small_int() || !a.type_of().has_flag(flags::EQ_NOT_REFLEXIVE)) {
        return Ok(t);
    }
    if objs::str::is_str(a) && objs::str::is_str(b) {
        return Ok(if objs::str::eq(a, b) { t } else { f });
    }
    if a.is_small_int() && b.is_small_int() {
        return Ok(f);
    }
    let (mut x, mut y) = (a, b);
    for _ in 0..2 {
        if !x.is_small_int() && !objs::str::is_str(x) {
            let ty = x.type_of();
            // A built-in type compares against the native part of a subclass instance.
            let y = if ty.is_heap() {
                y
            } else {
                objs::r#type::native_of(y).unwrap_or(y)
            };
            if let Some(bin) = ty.binary_op {
                if o == op::NOT_EQUAL && ty.has_flag(flags::EQ_HAS_NEQ_TEST) {
                    if let Some(r) = bin(op::NOT_EQUAL, x, y)? {
                        return Ok(r);
                    }
                }
                if let Some(r) = bin(op::EQUAL, x, y)? {
                    return Ok(if o == op::EQUAL {
                        r
                    } else if is_true(r)? {
                        t
                    } else {
                        f
                    });
                }
            }
        }
        core::mem::swap(&mut x, &mut y);
    }
    Ok(if a == b { t } else { f })
}

/// Equality as a bool.
pub fn equal(a: Value, b: Value) -> PyResult<bool> {
    if a == b && (a.is_small_int() || a.is_qstr()) {
        return Ok(true);
    }
    is_true(equal_not_equal(op::EQUAL, a, b)?)
}

/// Hash of a hashable value (TypeError for unhashable ones).
pub fn hash(v: Value) -> PyResult<usize> {
    if let Some(n) = v.as_small_int() {
        return Ok(n as usize);
    }
    if let Some(q) = v.as_qstr() {
        return Ok(q.hash() as usize);
    }
    if v.is_bool() {
        // Equal values hash equally: True == 1, False == 0.
        return Ok((v == Value::TRUE) as usize);
    }
    if v.is_immediate() {
        return Ok(v.bits());
    }
    let ty = v.type_of();
    if core::ptr::eq(ty, &objs::str::TYPE) || core::ptr::eq(ty, &objs::str::BYTES_TYPE) {
        return Ok(objs::str::hash(v) as usize);
    }
    crate::vm::check_stack()?;
    if let Some(f) = ty.unary_op {
        if let Some(r) = f(uop::HASH, v)? {
            return match r.as_small_int() {
                Some(n) => Ok(n as usize),
                None => Err(raise::type_error("__hash__ must return an int")),
            };
        }
    }
    Ok(v.bits() >> 3)
}

/// Containment `needle in container`.
pub fn contains(container: Value, needle: Value) -> PyResult<bool> {
    let ty = container.type_of();
    if let Some(f) = ty.binary_op {
        if let Some(r) = f(op::CONTAINS, container, needle)? {
            return Ok(r == Value::TRUE);
        }
    }
    // Fall back to iteration.
    let it = get_iter(container).map_err(|e| {
        if crate::runtime::is_instance(e.0, &objs::exception::MEMORY_ERROR) {
            return e;
        }
        raise::type_error_obj(ty, "isn't iterable")
    })?;
    while let Some(x) = iter_next(it)? {
        if equal(x, needle)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether exception value or class `exc` matches `pattern` (a class or tuple of classes).
pub fn exception_match(exc: Value, pattern: Value) -> PyResult<bool> {
    let exc_ty = match objs::r#type::as_type(exc) {
        Some(t) => t,
        None => exc.type_of(),
    };
    if let Some(items) = objs::tuple::items(pattern) {
        for p in items.iter() {
            if exception_match(exc, *p)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    match objs::r#type::as_type(pattern) {
        Some(t) if objs::exception::is_exception_type(t) => Ok(is_subclass(exc_ty, t)),
        _ => Err(raise::type_error(
            "catching classes that do not inherit from BaseException is not allowed",
        )),
    }
}

/// The value of an object whose type is exactly `float` (not a subclass).
#[inline(always)]
fn exact_float(v: Value) -> Option<objs::float::Real> {
    v.downcast::<objs::float::Float>(&objs::float::TYPE)
        .map(|f| f.value)
}

/// A small int as the float operand of `o`: always for arithmetic; for comparisons only when
/// the conversion is exact (53 bits), since those compare the exact values.
#[inline(always)]
fn small_int_as_float_operand(o: u8, n: isize) -> Option<objs::float::Real> {
    if (op::INPLACE_OR..=op::DIVMOD).contains(&o)
        || (o <= op::NOT_EQUAL
            && (n as i64).unsigned_abs() <= 1 << objs::float::Real::MANTISSA_DIGITS)
    {
        Some(n as objs::float::Real)
    } else {
        None
    }
}

/// `+ - * /` between a complex and a complex, float or small int (either side), without the
/// operator slots and their reflected retries.
fn complex_fast(o: u8, a: Value, b: Value) -> Option<PyResult<Value>> {
    let o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    if !matches!(o, op::ADD | op::SUBTRACT | op::MULTIPLY | op::TRUE_DIVIDE) {
        return None;
    }
    let plain = |v: Value| -> Option<(objs::float::Real, objs::float::Real)> {
        if let Some(c) = v.downcast::<objs::complex::Complex>(&objs::complex::TYPE) {
            return Some((c.real, c.imag));
        }
        if let Some(x) = exact_float(v) {
            return Some((x, 0.0));
        }
        v.as_small_int().map(|n| (n as objs::float::Real, 0.0))
    };
    // Only when one side is a complex: float and int pairs have their own paths.
    let ca = a
        .downcast::<objs::complex::Complex>(&objs::complex::TYPE)
        .is_some();
    let cb = b
        .downcast::<objs::complex::Complex>(&objs::complex::TYPE)
        .is_some();
    if !(ca || cb) {
        return None;
    }
    let (ar, ai) = plain(a)?;
    let (br, bi) = plain(b)?;
    Some(objs::complex::complex_op(o, ar, ai, br, bi))
}

pub fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Value> {
    if let (Some(x), Some(y)) = (a.as_small_int(), b.as_small_int()) {
        if let Some(r) = objs::int::small_binary_op(o, x, y)? {
            return Ok(r);
        }
    }
    if let Some(x) = exact_float(a) {
        // Floats with floats (and small ints): straight to the arithmetic, skipping the
        // operator-slot dispatch.
        let y = match (exact_float(b), b.as_small_int()) {
            (Some(y), _) => Some(y),
            (None, Some(n)) => small_int_as_float_operand(o, n),
            _ => None,
        };
        if let Some(y) = y {
            if let Some(r) = objs::float::float_op(o, x, y)? {
                return Ok(r);
            }
        }
    } else if let (Some(n), Some(y)) = (a.as_small_int(), exact_float(b)) {
        if let Some(x) = small_int_as_float_operand(o, n) {
            if let Some(r) = objs::float::float_op(o, x, y)? {
                return Ok(r);
            }
        }
    } else if let Some(r) = complex_fast(o, a, b) {
        return r;
    }
    match o {
        op::IS => return Ok(Value::from_bool(a == b)),
        op::IS_NOT => return Ok(Value::from_bool(a != b)),
        op::EQUAL | op::NOT_EQUAL => return equal_not_equal(o, a, b),
        // `a in b` is evaluated as b.__contains__(a).
        op::IN => return Ok(Value::from_bool(contains(b, a)?)),
        op::NOT_IN => return Ok(Value::from_bool(!contains(b, a)?)),
        op::EXCEPTION_MATCH => return Ok(Value::from_bool(exception_match(a, b)?)),
        _ => {}
    }
    let ta = a.type_of();
    if let Some(f) = ta.binary_op {
        let b = if ta.is_heap() {
            b
        } else {
            objs::r#type::native_of(b).unwrap_or(b)
        };
        if let Some(r) = f(o, a, b)? {
            return Ok(r);
        }
    }
    // In-place falls back to the plain operator.
    if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        return binary_op(o + op::INPLACE_TO_PLAIN, a, b);
    }
    // Reflected operators and swapped comparisons.
    let tb = b.type_of();
    let reflected = match o {
        op::OR..=op::POWER => Some(op::REVERSE_OR + (o - op::OR)),
        op::LESS => Some(op::MORE),
        op::MORE => Some(op::LESS),
        op::LESS_EQUAL => Some(op::MORE_EQUAL),
        op::MORE_EQUAL => Some(op::LESS_EQUAL),
        _ => None,
    };
    if let (Some(r), Some(f)) = (reflected, tb.binary_op) {
        let a = if tb.is_heap() {
            a
        } else {
            objs::r#type::native_of(a).unwrap_or(a)
        };
        if let Some(v) = f(r, b, a)? {
            return Ok(v);
        }
    }
    Err(raise::unsupported_binary(o, a, b))
}

/// `a < b` etc. as a bool.
pub fn compare(o: u8, a: Value, b: Value) -> PyResult<bool> {
    Ok(binary_op(o, a, b)? == Value::TRUE)
}

// --- items ---

pub fn subscr(obj: Value, index: Value) -> PyResult<Value> {
    let ty = obj.type_of();
    if let Some(f) = ty.subscr {
        if let Some(v) = f(obj, index, SubscrOp::Load)? {
            return Ok(v);
        }
    }
    Err(raise::type_error_obj(ty, "isn't subscriptable"))
}

pub fn store_subscr(obj: Value, index: Value, value: Value) -> PyResult<()> {
    let ty = obj.type_of();
    if let Some(f) = ty.subscr {
        if f(obj, index, SubscrOp::Store(value))?.is_some() {
            return Ok(());
        }
    }
    Err(raise::type_error_obj(ty, "doesn't support item assignment"))
}

pub fn delete_subscr(obj: Value, index: Value) -> PyResult<()> {
    let ty = obj.type_of();
    if let Some(f) = ty.subscr {
        if f(obj, index, SubscrOp::Delete)?.is_some() {
            return Ok(());
        }
    }
    Err(raise::type_error_obj(ty, "doesn't support item deletion"))
}

pub fn len(v: Value) -> PyResult<usize> {
    let r = unary_op(uop::LEN, v)?;
    Ok(r.as_small_int().unwrap_or(0) as usize)
}

// --- iteration ---

/// Room for an iterator object outside the heap (upstream's `mp_obj_iter_buf_t`): the four
/// stack slots of a `for` loop, or a native caller's local.
pub type IterBuf = [Value; 4];

/// Writes iterator object `it` into `buf` and returns it as a value. The value points into
/// `buf`, so it must not outlive it nor escape to Python code; the collector sees the
/// object's fields wherever `buf` lives (a frame's stack, the native stack).
pub fn place_iter<T>(buf: &mut IterBuf, it: T) -> Value {
    const {
        assert!(core::mem::size_of::<T>() <= core::mem::size_of::<IterBuf>());
        assert!(core::mem::align_of::<T>() <= core::mem::align_of::<Value>());
    }
    let p = buf.as_mut_ptr() as *mut T;
    // SAFETY: `buf` is large and aligned enough for `T` (checked above at compile time),
    // and `T` is an object struct starting with its `ObjBase`, as a pointer value requires.
    unsafe { p.write(it) };
    Value::from_ptr(p)
}

/// `iter(v)` without the heap for the built-in containers whose iterator fits in `buf`
/// (list, tuple, bytes, str, bytearray, array, range, dict, set, frozenset), so that iterating them
/// works with the heap locked; any other object gets its ordinary iterator.
pub fn get_iter_buf(v: Value, buf: &mut IterBuf) -> PyResult<Value> {
    // An interned str (a constant) is no heap object but iterates in place all the same:
    // `for c in "abc"` must not allocate (it runs with the heap locked on MicroPython).
    if v.is_qstr() {
        if let Some(it) = objs::str::iter_in(v, buf) {
            return Ok(it);
        }
    }
    if v.is_obj() {
        let ty = v.type_of();
        let placed = if ty.is_type_of(&objs::str::TYPE) || ty.is_type_of(&objs::str::BYTES_TYPE) {
            objs::str::iter_in(v, buf)
        } else if ty.is_type_of(&objs::list::TYPE) {
            Some(objs::list::iter_in(v, buf))
        } else if ty.is_type_of(&objs::tuple::TYPE) {
            Some(objs::tuple::iter_in(v, buf))
        } else if ty.is_type_of(&objs::bytearray::TYPE) {
            Some(objs::memoryview::buffer_iter_in(v, buf))
        } else if ty.is_type_of(&objs::array::TYPE) {
            Some(objs::array::iter_in(v, buf))
        } else if ty.is_type_of(&objs::range::TYPE) {
            objs::range::iter_in(v, buf)
        } else if ty.is_type_of(&objs::dict::TYPE) {
            Some(objs::dict::iter_in(v, buf))
        } else if ty.is_type_of(&objs::set::TYPE) || ty.is_type_of(&objs::set::FROZENSET_TYPE) {
            Some(objs::set::iter_in(v, buf))
        } else {
            None
        };
        if let Some(it) = placed {
            return Ok(it);
        }
    }
    get_iter(v)
}

pub fn get_iter(v: Value) -> PyResult<Value> {
    let ty = v.type_of();
    if ty.has_flag(flags::ITER_IS_ITERNEXT) {
        return Ok(v);
    }
    if let Some(f) = ty.getiter {
        return f(v);
    }
    if ty.subscr.is_some() {
        return objs::iter::new_getitem_iter(v);
    }
    Err(raise::type_error_obj(ty, "isn't iterable"))
}

/// Next item, or `None` when exhausted.
pub fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Iterators may nest without bound (enumerate(enumerate(...))): guard the native stack.
    crate::vm::check_stack()?;
    // Native loops (sum, max, list(), str.join, ...) drive iterators through here.
    crate::vm::check_keyboard_interrupt()?;
    let ty = it.type_of();
    match ty.iternext {
        Some(f) => f(it),
        None => Err(raise::type_error_obj(ty, "isn't an iterator")),
    }
}

impl Type {
    #[inline(always)]
    pub fn is_type_of(&'static self, other: &'static Type) -> bool {
        core::ptr::eq(self, other)
    }
}
