//! `type`, user-defined classes (heap types) and their instances. A class statement builds a
//! heap `Type` whose slots forward Python's special methods (`__add__`, `__getitem__`,
//! `__iter__`, ...) to the functions in the class dict, as MicroPython's py/objtype.c does.
//!
//! An instance of a class is an [`Instance`]: its attribute map inline, plus the instance of
//! the built-in base (`native`) when the class derives from one such as `list` or `dict`.
//! Classes deriving from exceptions use the exception layout instead (it has a dict).

use crate::map::Map;
use crate::obj::{flags, AttrOp, HeapType, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::{exception, fun, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct Instance {
    pub base: ObjBase,
    pub map: Map,
    /// Instance of the built-in base type, or NULL.
    pub native: Value,
}

/// The type a value denotes, if it is a type object.
pub fn as_type(v: Value) -> Option<&'static Type> {
    if v.is_obj() && core::ptr::eq(v.type_of(), &TYPE) {
        // SAFETY: values whose type is `type` are Type objects.
        Some(unsafe { &*(v.as_ptr::<Type>()) })
    } else {
        None
    }
}

/// First built-in (static) ancestor other than `object`, depth first.
pub fn native_base(ty: &'static Type) -> Option<&'static Type> {
    if !ty.is_heap() {
        return if core::ptr::eq(ty, &super::object::TYPE) {
            None
        } else {
            Some(ty)
        };
    }
    for b in tuple::items(ty.bases()).map(|s| &*s).unwrap_or(&[]) {
        if let Some(bt) = as_type(*b) {
            if let Some(n) = native_base(bt) {
                return Some(n);
            }
        }
    }
    None
}

/// One remembered class-hierarchy lookup: `found` is NULL for a name the hierarchy lacks.
#[derive(Clone, Copy)]
struct CacheEntry {
    ty: *const Type,
    name: Qstr,
    epoch: usize,
    found: Value,
    owner: *const Type,
}

const LOOKUP_CACHE_SLOTS: usize = 256;

struct LookupCache(core::cell::UnsafeCell<[CacheEntry; LOOKUP_CACHE_SLOTS]>);

// SAFETY: the VM runs one thread of Python at a time (the interpreter lock), and every
// access copies an entry in or out without holding a reference across calls.
unsafe impl Sync for LookupCache {}

/// Results of [`lookup_with_owner`], direct-mapped by (type, name). An entry is valid only
/// at the class epoch it was made in: any change to a class namespace, and the creation of
/// a class (which may reuse a collected class's address), starts a new epoch (`map.rs`).
/// Found values stay alive without the collector's help: they are in a class dict, and
/// removing them from it starts a new epoch.
/// Starts all zero (no entry matches a null type), so it sits in `.bss`, not in flash.
static LOOKUP_CACHE: LookupCache = LookupCache(core::cell::UnsafeCell::new(
    [CacheEntry {
        ty: core::ptr::null(),
        name: Qstr(0),
        epoch: 0,
        found: Value::NULL,
        owner: core::ptr::null(),
    }; LOOKUP_CACHE_SLOTS],
));

#[inline]
fn lookup_cache_slot(ty: &'static Type, name: Qstr) -> usize {
    let p = ty as *const Type as usize;
    ((p >> 4) ^ (p >> 12) ^ (name.0 as usize).wrapping_mul(0x9e37)) % LOOKUP_CACHE_SLOTS
}

/// Look `name` up through the class hierarchy, reporting the type that defines it.
pub fn lookup_with_owner(ty: &'static Type, name: Qstr) -> Option<(Value, &'static Type)> {
    let slot = lookup_cache_slot(ty, name);
    let epoch = crate::map::class_epoch();
    // SAFETY: see `LookupCache`; the index is in range by construction.
    let e = unsafe { *(*LOOKUP_CACHE.0.get()).as_ptr().add(slot) };
    if core::ptr::eq(e.ty, ty) && e.name == name && e.epoch == epoch {
        if e.found.is_null() {
            return None;
        }
        // SAFETY: `owner` was a live type at this epoch, and a type cannot be collected
        // while a subclass (`ty`, live) names it among its bases.
        return Some((e.found, unsafe { &*e.owner }));
    }
    let r = lookup_uncached(ty, name);
    let (found, owner) = match r {
        Some((v, o)) => (v, o as *const Type),
        None => (Value::NULL, core::ptr::null()),
    };
    // SAFETY: as above. The epoch is read again: a `__getattr__`-free lookup never runs
    // Python code, but a key comparison could in principle change a class.
    unsafe {
        *(*LOOKUP_CACHE.0.get()).as_mut_ptr().add(slot) = CacheEntry {
            ty,
            name,
            epoch: if crate::map::class_epoch() == epoch {
                epoch
            } else {
                0
            },
            found,
            owner,
        };
    }
    r
}

fn lookup_uncached(ty: &'static Type, name: Qstr) -> Option<(Value, &'static Type)> {
    if ty.is_heap() {
        if let Some(v) = super::dict::map_of(ty.dict()).and_then(|m| m.get_qstr(name)) {
            return Some((v, ty));
        }
        for b in tuple::items(ty.bases()).map(|s| &*s).unwrap_or(&[]) {
            if let Some(bt) = as_type(*b) {
                if let Some(r) = lookup_uncached(bt, name) {
                    return Some(r);
                }
            }
        }
        None
    } else {
        let mut t = Some(ty);
        while let Some(tt) = t {
            if let Some(v) = tt.local(name) {
                return Some((v, tt));
            }
            t = tt.parent;
        }
        None
    }
}

/// The attribute map of an instance of a heap type (Instance or exception layout).
#[inline]
fn instance_map(obj: Value) -> Option<&'static mut Map> {
    let ty = obj.type_of();
    if !ty.is_heap() {
        return None;
    }
    if ty.has_flag(flags::EXCEPTION) {
        return exception_map(obj);
    }
    // SAFETY: non-exception heap types use the Instance layout.
    let inst: &mut Instance = unsafe { obj.downcast_unchecked() };
    Some(&mut inst.map)
}

/// `obj.name` when it is in the attribute map of a plain instance of a heap type: the first
/// thing `instance_attr` checks, for the attribute-load paths to try before the type's slot.
#[inline(always)]
pub fn instance_field(obj: Value, name: Qstr) -> Option<Value> {
    if !obj.is_obj() {
        return None;
    }
    let ty = obj.type_of();
    if !ty.is_heap() || ty.has_flag(flags::EXCEPTION) || name == Q::__dict__ {
        return None;
    }
    // SAFETY: non-exception heap types use the Instance layout (as in `instance_map`).
    let inst: &Instance = unsafe { obj.downcast_unchecked() };
    inst.map.get_qstr(name)
}

/// `obj.name` for LOAD_ATTR when it is an attribute of the instance itself whose map
/// position the map cache knows; `None` says nothing (take the full lookup). Instance
/// attributes come before the class's, so a hit is the answer.
#[inline]
pub fn instance_attr_cached(obj: Value, name: Qstr) -> Option<Value> {
    if !obj.is_obj() || name == Q::__dict__ {
        return None;
    }
    // SAFETY: object values point at an ObjBase.
    let ty = unsafe { (*obj.as_ptr::<ObjBase>()).ty() };
    if !ty.is_heap() || ty.has_flag(flags::EXCEPTION) {
        return None;
    }
    // SAFETY: non-exception heap types use the Instance layout (see `instance_map`,
    // which `instance_attr`, their attribute slot, relies on alike).
    let inst: &Instance = unsafe { obj.downcast_unchecked() };
    inst.map.get_qstr_cached(name)
}

/// `obj.name = value` for STORE_ATTR when it replaces an attribute of the instance itself
/// whose map position the cache knows, and the class has neither an attribute of that
/// name (which might be a data descriptor) nor a Python `__setattr__`. False: nothing
/// was done (take the full store).
#[inline]
pub fn instance_store_cached(obj: Value, name: Qstr, value: Value) -> bool {
    if !obj.is_obj() || value.is_null() || name == Q::__class__ {
        return false;
    }
    // SAFETY: object values point at an ObjBase.
    let ty = unsafe { (*obj.as_ptr::<ObjBase>()).ty() };
    if !ty.is_heap() || ty.has_flag(flags::EXCEPTION) || lookup_with_owner(ty, name).is_some() {
        return false;
    }
    if lookup_with_owner(ty, Q::__setattr__).is_some_and(|(_, owner)| owner.is_heap()) {
        return false;
    }
    // SAFETY: non-exception heap types use the Instance layout (see `instance_map`).
    let inst: &mut Instance = unsafe { obj.downcast_unchecked() };
    inst.map.replace_qstr_cached(name, value)
}

#[inline(never)]
fn exception_map(obj: Value) -> Option<&'static mut Map> {
    let e = exception::get(obj)?;
    if e.dict.is_null() {
        e.dict = super::dict::new().ok()?;
    }
    super::dict::map_of(e.dict)
}

/// The receiver to pass to a method defined by `owner`: the native sub-object for methods
/// of built-in types, the instance itself otherwise.
fn self_for(obj: Value, owner: &'static Type) -> Value {
    if owner.is_heap() || obj.type_of().has_flag(flags::EXCEPTION) {
        return obj;
    }
    native_of(obj).unwrap_or(obj)
}

/// The built-in base instance inside a user-class instance.
pub fn native_of(obj: Value) -> Option<Value> {
    let ty = obj.type_of();
    if !ty.is_heap() || ty.has_flag(flags::EXCEPTION) {
        return None;
    }
    // SAFETY: non-exception heap types use the Instance layout.
    let inst: &Instance = unsafe { obj.downcast_unchecked() };
    if inst.native.is_null() {
        None
    } else {
        Some(inst.native)
    }
}

/// For `obj.name(...)` on an instance: `(function, self)` without allocation when possible.
pub fn instance_lookup_method(obj: Value, name: Qstr) -> PyResult<Option<(Value, Value)>> {
    if let Some(m) = instance_map(obj) {
        if let Some(v) = m.get_qstr(name) {
            return Ok(Some((v, Value::NULL)));
        }
    }
    let ty = obj.type_of();
    if let Some((found, owner)) = lookup_with_owner(ty, name) {
        if runtime::binds_self(found, owner) {
            return Ok(Some((found, self_for(obj, owner))));
        }
    }
    Ok(None)
}

/// Call a special method looked up on the class of `obj`, if defined.
fn call_special(obj: Value, name: Qstr, args: &[Value]) -> PyResult<Option<Value>> {
    let ty = obj.type_of();
    let Some((found, owner)) = lookup_with_owner(ty, name) else {
        return Ok(None);
    };
    if !owner.is_heap() {
        // Built-in base implements it natively; let the caller use the native slot.
        return Ok(None);
    }
    // A plain method is called with self directly: no bound method, so special methods
    // (__iter__, __next__, __len__, ...) work with the heap locked.
    if runtime::binds_self(found, owner) {
        return runtime::call_method(found, self_for(obj, owner), args, &[]).map(Some);
    }
    let f = runtime::load_attr_bound(found, obj, ty, owner)?;
    runtime::call(f, args, &[]).map(Some)
}

fn instance_attr(obj: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    let ty = obj.type_of();
    match aop {
        AttrOp::Load => {
            if name == Q::__dict__ {
                // A fresh dict copy of the attributes (MicroPython shares the map).
                let d = super::dict::new()?;
                if let (Some(m), Some(dm)) = (instance_map(obj), super::dict::map_of(d)) {
                    for (k, v) in m.iter() {
                        dm.insert(k, v)?;
                    }
                }
                return Ok(Some(d));
            }
            if let Some(m) = instance_map(obj) {
                if let Some(v) = m.get_qstr(name) {
                    return Ok(Some(v));
                }
            }
            if let Some((found, owner)) = lookup_with_owner(ty, name) {
                let recv = self_for(obj, owner);
                return runtime::load_attr_bound(found, recv, ty, owner).map(Some);
            }
            if name == Q::__class__ {
                return Ok(Some(ty.as_value()));
            }
            if let Some(native) = native_of(obj) {
                if let Some(v) = runtime::load_attr_opt(native, name)? {
                    return Ok(Some(v));
                }
            }
            if ty.has_flag(flags::EXCEPTION) {
                if let Some(v) = exception_attr(obj, name)? {
                    return Ok(Some(v));
                }
            }
            if let Some((getattr, owner)) = lookup_with_owner(ty, Q::__getattr__) {
                let f = runtime::load_attr_bound(getattr, obj, ty, owner)?;
                return runtime::call(f, &[Value::qstr(name)], &[]).map(Some);
            }
            Ok(None)
        }
        AttrOp::Store(_) | AttrOp::Delete if name != Q::__class__ => {
            let value = if let AttrOp::Store(v) = aop {
                v
            } else {
                Value::NULL
            };
            let v = value;
            if let Some((found, _)) = lookup_with_owner(ty, name) {
                let fty = found.type_of();
                if fty.is_type_of(&super::property::TYPE) {
                    super::property::set(found, obj, value)?;
                    return Ok(Some(Value::NONE));
                }
                if fty.is_heap() {
                    // User data descriptor: __set__(self, instance, value) / __delete__.
                    let hook = if value.is_null() {
                        Q::__delete__
                    } else {
                        Q::__set__
                    };
                    if let Some(f) = runtime::lookup_in_type(fty, hook) {
                        // `__delete__` takes no value.
                        let args = [found, obj, value];
                        runtime::call(f, &args[..3 - value.is_null() as usize], &[])?;
                        return Ok(Some(Value::NONE));
                    }
                }
            }
            let hook = if value.is_null() {
                Q::__delattr__
            } else {
                Q::__setattr__
            };
            if let Some((f, owner)) = lookup_with_owner(ty, hook) {
                if owner.is_heap() {
                    let bound = runtime::load_attr_bound(f, obj, ty, owner)?;
                    let args = [Value::qstr(name), v];
                    runtime::call(bound, &args[..2 - value.is_null() as usize], &[])?;
                    return Ok(Some(Value::NONE));
                }
            }
            let Some(m) = instance_map(obj) else {
                return Ok(None);
            };
            if value.is_null() {
                return Ok(m.remove(Value::qstr(name))?.map(|_| Value::NONE));
            }
            m.insert_qstr(name, value)?;
            Ok(Some(Value::NONE))
        }
        _ => Ok(None),
    }
}

/// `object.__setattr__` / `object.__delattr__`: store into (or remove from) the instance's
/// own attributes, bypassing user hooks. NULL `value` deletes.
pub fn generic_setattr(obj: Value, name: Value, value: Value) -> PyResult<()> {
    let q = super::str::as_str(name)
        .and_then(Qstr::intern)
        .ok_or_else(|| raise::type_error("attribute name must be string"))?;
    let Some(m) = instance_map(obj) else {
        return Err(raise::no_attribute(obj.type_of(), q));
    };
    if value.is_null() {
        if m.remove(Value::qstr(q))?.is_none() {
            return Err(raise::no_attribute(obj.type_of(), q));
        }
    } else {
        m.insert_qstr(q, value)?;
    }
    Ok(())
}

fn exception_attr(obj: Value, name: Qstr) -> PyResult<Option<Value>> {
    match name {
        Q::args => Ok(exception::get(obj).map(|e| e.args)),
        Q::value | Q::errno => Ok(Some(
            exception::args(obj).first().copied().unwrap_or(Value::NONE),
        )),
        _ => Ok(None),
    }
}

fn instance_print(out: &mut dyn Print, obj: Value, kind: PrintKind) -> PyResult<()> {
    let name = if kind == PrintKind::Repr {
        Q::__repr__
    } else {
        Q::__str__
    };
    let mut r = call_special(obj, name, &[])?;
    if r.is_none() && kind != PrintKind::Repr {
        r = call_special(obj, Q::__repr__, &[])?;
    }
    if let Some(s) = r {
        if !super::str::is_str(s) {
            return Err(raise::type_error("__str__ returned non-string"));
        }
        return out.write_str(super::str::as_str(s).unwrap_or(""));
    }
    let ty = obj.type_of();
    if ty.has_flag(flags::EXCEPTION) {
        if let Some(p) = exception::BASE_EXCEPTION.print {
            return p(out, obj, kind);
        }
    }
    if let Some(native) = native_of(obj) {
        return runtime::print_value(out, native, kind);
    }
    out.write_str("<")?;
    out.write_str(ty.name.as_str())?;
    out.write_str(" object at ")?;
    super::str::print_hex(out, obj.bits())?;
    out.write_str(">")
}

fn instance_unary_op(o: u8, obj: Value) -> PyResult<Option<Value>> {
    let name = runtime::UNARY_OP_NAMES
        .get(o as usize)
        .copied()
        .unwrap_or(Q::NULL);
    if name != Q::NULL {
        if let Some(r) = call_special(obj, name, &[])? {
            if o == uop::INT_MAYBE && !runtime::is_instance(r, &super::int::TYPE) {
                return Err(raise::type_error_fmt(format_args!(
                    "__int__ returned non-int (type {})",
                    r.type_of().name.as_str()
                )));
            }
            if o == uop::HASH && r.is_bool() {
                return Ok(Some(Value::small_int((r == Value::TRUE) as isize)));
            }
            if o == uop::BOOL || o == uop::LEN || o == uop::HASH {
                if o == uop::BOOL && !r.is_bool() {
                    return Err(raise::type_error("__bool__ should return bool"));
                }
                if o != uop::BOOL
                    && !r.is_small_int()
                    && !runtime::is_instance(r, &super::int::TYPE)
                {
                    return Err(super::int::not_an_integer(r));
                }
            }
            return Ok(Some(r));
        }
        if o == uop::HASH {
            // A class that defines __eq__ without __hash__ is unhashable.
            if let Some((_, owner)) = lookup_with_owner(obj.type_of(), Q::__eq__) {
                if owner.is_heap() {
                    return Err(raise::type_error_fmt(format_args!(
                        "unhashable type: '{}'",
                        obj.type_of().name.as_str()
                    )));
                }
            }
        }
    }
    if let Some(native) = native_of(obj) {
        if let Some(f) = native.type_of().unary_op {
            return f(o, native);
        }
    }
    Ok(None)
}

fn instance_binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let name = runtime::binary_op_method(o);
    if name != Q::NULL {
        if let Some(r) = call_special(lhs, name, &[rhs])? {
            if r == Value::from_static(&super::singletons::NOT_IMPLEMENTED) {
                return Ok(None);
            }
            if o == op::CONTAINS {
                return Ok(Some(Value::from_bool(runtime::is_true(r)?)));
            }
            return Ok(Some(r));
        }
    }
    if let Some(native) = native_of(lhs) {
        if let Some(f) = native.type_of().binary_op {
            return f(o, native, native_of(rhs).unwrap_or(rhs));
        }
    }
    Ok(None)
}

fn instance_call(obj: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let ty = obj.type_of();
    match lookup_with_owner(ty, Q::__call__) {
        Some((f, owner)) => {
            let recv = self_for(obj, owner);
            runtime::call_method(f, recv, args, kw)
        }
        None => {
            // A callable built-in base (machine.Signal) answers through its call slot.
            if let Some(native) = native_of(obj) {
                if let Some(f) = native.type_of().call() {
                    return f(native, args, kw);
                }
            }
            Err(raise::type_error_obj(ty, "isn't callable"))
        }
    }
}

fn instance_subscr(obj: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let r = match sop {
        SubscrOp::Load => call_special(obj, Q::__getitem__, &[index])?,
        SubscrOp::Store(v) => call_special(obj, Q::__setitem__, &[index, v])?.map(|_| Value::NONE),
        SubscrOp::Delete => call_special(obj, Q::__delitem__, &[index])?.map(|_| Value::NONE),
    };
    if r.is_some() {
        return Ok(r);
    }
    if let Some(native) = native_of(obj) {
        if let Some(f) = native.type_of().subscr {
            return f(native, index, sop);
        }
    }
    Ok(None)
}

fn instance_getiter(obj: Value) -> PyResult<Value> {
    if let Some(r) = call_special(obj, Q::__iter__, &[])? {
        return Ok(r);
    }
    if lookup_with_owner(obj.type_of(), Q::__next__).is_some() {
        return Ok(obj);
    }
    if let Some(native) = native_of(obj) {
        // An iterable built-in base's own iteration wins over a `__getitem__` override.
        let nt = native.type_of();
        if nt.getiter.is_some() || nt.has_flag(flags::ITER_IS_ITERNEXT) {
            return runtime::get_iter(native);
        }
    }
    if lookup_with_owner(obj.type_of(), Q::__getitem__).is_some() {
        return super::iter::new_getitem_iter(obj);
    }
    if let Some(native) = native_of(obj) {
        return runtime::get_iter(native);
    }
    Err(raise::type_error_obj(obj.type_of(), "isn't iterable"))
}

fn instance_iternext(obj: Value) -> PyResult<Option<Value>> {
    match call_special(obj, Q::__next__, &[]) {
        Ok(Some(v)) => Ok(Some(v)),
        Ok(None) => {
            if let Some(native) = native_of(obj) {
                return runtime::iter_next(native);
            }
            Err(raise::type_error_obj(obj.type_of(), "isn't an iterator"))
        }
        Err(e) if runtime::is_instance(e.0, &exception::STOP_ITERATION) => {
            crate::state::get().roots.stop_iteration = e.0;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// What every heap type has past [`Type`]'s own slots.
static HEAP_EXT: crate::obj::TypeExt = crate::obj::TypeExt {
    call: Some(instance_call),
    buffer: Some(instance_buffer),
    ..crate::obj::TypeExt::NONE
};

fn instance_buffer(obj: Value, access: crate::obj::BufferAccess) -> Option<crate::obj::Buffer> {
    let native = native_of(obj)?;
    (native.type_of().buffer()?)(native, access)
}

/// Allocate an instance of heap type `ty` without running `__init__` (object.__new__).
pub fn alloc_instance(ty: &'static Type) -> PyResult<Value> {
    if ty.has_flag(flags::EXCEPTION) {
        let e = exception::new(&exception::EXCEPTION, &[])?;
        if let Some(ex) = exception::get(e) {
            ex.base = ObjBase::of(ty);
        }
        return Ok(e);
    }
    if !ty.is_heap() {
        return match ty.make_new {
            Some(f) => f(ty, &[], &[]),
            None => Err(raise::cannot_create(ty)),
        };
    }
    let p = crate::mem::alloc(Instance {
        base: ObjBase::of(ty),
        map: Map::new(),
        native: Value::NULL,
    })?;
    Ok(Value::from_ptr(p))
}

/// `Class(*args, **kw)`: `__new__` (if the class defines one), then `__init__`.
fn instance_make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let obj = match lookup_with_owner(ty, Q::__new__) {
        Some((f, owner)) if owner.is_heap() => {
            let f = if f.type_of().is_type_of(&fun::STATICMETHOD_TYPE) {
                fun::wrapped(f)
            } else {
                f
            };
            let obj = runtime::call_method(f, ty.as_value(), args, kw)?;
            if !runtime::is_instance(obj, ty) {
                return Ok(obj);
            }
            obj
        }
        _ => {
            let obj = alloc_instance(ty)?;
            if ty.has_flag(flags::EXCEPTION) {
                // Incomplete until __init__ (or super().__init__) has run: raising it
                // from inside __init__ is a TypeError, as upstream.
                if let Some(e) = exception::get(obj) {
                    e.args = Value::NULL;
                }
            }
            // The native part (e.g. of a list subclass) is built after __init__, unless
            // __init__ builds it first through super().__init__ (native_init below).
            obj
        }
    };
    if let Some((init, owner)) = lookup_with_owner(ty, Q::__init__) {
        if owner.is_heap() {
            let r = runtime::call_method(init, obj, args, kw)?;
            if !r.is_none() {
                return Err(raise::type_error("__init__() should return None"));
            }
        } else if owner.has_flag(flags::EXCEPTION) || native_base(ty).is_none() {
            // object.__init__ / BaseException.__init__: nothing to do.
            if core::ptr::eq(owner, &super::object::TYPE)
                && !args.is_empty()
                && lookup_with_owner(ty, Q::__new__)
                    .map(|(_, o)| !o.is_heap())
                    .unwrap_or(true)
            {
                return Err(raise::type_error(
                    "function takes 1 positional arguments but 2 were given",
                ));
            }
        }
    }
    if let Some(e) = exception::get(obj) {
        if e.args.is_null() {
            e.args = tuple::new(args)?;
        }
    }
    if obj.type_of().is_heap()
        && !obj.type_of().has_flag(flags::EXCEPTION)
        && native_of(obj).is_none()
    {
        if let Some(nb) = native_base(obj.type_of()) {
            build_native(obj, nb, args, kw)?;
        }
    }
    Ok(obj)
}

fn build_native(obj: Value, nb: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<()> {
    let Some(mk) = nb.make_new else {
        return Ok(());
    };
    let native = mk(nb, args, kw)?;
    // SAFETY: heap non-exception instances use the Instance layout (checked by callers).
    let inst: &mut Instance = unsafe { obj.downcast_unchecked() };
    inst.native = native;
    Ok(())
}

/// `super().__init__(...)` reaching a built-in base: build the native part with these
/// arguments (MicroPython's native_base_init_wrapper).
pub fn native_init(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let obj = args[0];
    let ty = obj.type_of();
    if ty.is_heap() && !ty.has_flag(flags::EXCEPTION) {
        if let Some(nb) = native_base(ty) {
            build_native(obj, nb, &args[1..], kw)?;
            return Ok(Value::NONE);
        }
    }
    if ty.has_flag(flags::EXCEPTION) {
        if let Some(e) = exception::get(obj) {
            e.args = tuple::new(&args[1..])?;
        }
    }
    Ok(Value::NONE)
}

/// The function `super().__init__` resolves to when it reaches a built-in base.
pub fn native_init_fun() -> Value {
    crate::fun!(
        __init__,
        Kw {
            min: 1,
            f: native_init
        }
    )
}

/// Create a class: `type(name, bases, dict)` and `__build_class__`.
pub fn new_class(name: Qstr, bases: Value, dict: Value) -> PyResult<Value> {
    let base_items = tuple::items(bases).map(|s| &*s).unwrap_or(&[]);
    let mut fl = flags::IS_HEAP
        | flags::BASETYPE
        | flags::EQ_NOT_REFLEXIVE
        | flags::EQ_CHECKS_OTHER_TYPE
        | flags::EQ_HAS_NEQ_TEST;
    for b in base_items {
        let Some(bt) = as_type(*b) else {
            return Err(raise::type_error("bases must be types"));
        };
        if !bt.is_heap() && bt.make_new.is_none() {
            return Err(raise::type_error_fmt(format_args!(
                "type '{}' is not an acceptable base type",
                bt.name.as_str()
            )));
        }
        fl |= bt.flags & flags::EXCEPTION;
    }
    let mut native: Option<&'static Type> = None;
    for b in base_items {
        if let Some(n) = as_type(*b).and_then(native_base) {
            match native {
                Some(prev)
                    if !core::ptr::eq(prev, n)
                        && !runtime::is_subclass(n, prev)
                        && !runtime::is_subclass(prev, n) =>
                {
                    return Err(raise::type_error(
                        "multiple bases have instance lay-out conflict",
                    ));
                }
                _ => native = Some(n),
            }
        }
    }
    let bases = if base_items.is_empty() {
        tuple::new(&[TYPE_OBJECT_VALUE])?
    } else {
        bases
    };
    let t = Type {
        base: ObjBase::new(&TYPE),
        name,
        flags: fl,
        make_new: Some(instance_make_new),
        print: Some(instance_print),
        unary_op: Some(instance_unary_op),
        binary_op: Some(instance_binary_op),
        attr: Some(instance_attr),
        subscr: Some(instance_subscr),
        getiter: Some(instance_getiter),
        iternext: Some(instance_iternext),
        ext: &HEAP_EXT,
        ..Type::EMPTY
    };
    let t = HeapType { ty: t, dict, bases };
    // `__new__` is implicitly a staticmethod and `__init_subclass__` a classmethod.
    if let Some(m) = super::dict::map_of(dict) {
        for (name, ty) in [
            (Q::__new__, &fun::STATICMETHOD_TYPE),
            (Q::__init_subclass__, &fun::CLASSMETHOD_TYPE),
        ] {
            if let Some(f) = m.get_qstr(name) {
                if f.type_of().is_type_of(&super::function::TYPE)
                    || f.type_of().is_type_of(&super::function::CLOSURE_TYPE)
                {
                    let w = crate::mem::alloc(fun::MethodWrapper {
                        base: ObjBase::new(ty),
                        fun: f,
                    })?;
                    m.insert_qstr(name, Value::from_ptr(w))?;
                }
            }
        }
    }
    if let Some(m) = super::dict::map_of(dict) {
        m.watch();
    }
    let p = crate::mem::alloc(t)?;
    // A collected class's address may be reused: cached lookups keyed by it must go.
    crate::map::bump_class_epoch();
    let cls = Value::from_ptr(p);
    // SAFETY: just allocated.
    let ty: &'static Type = unsafe { &(*p).ty };
    // __set_name__ on descriptors (over a snapshot: hooks may mutate the class dict), then
    // the first base's __init_subclass__.
    let snapshot = super::list::new(&[])?;
    if let Some(m) = super::dict::map_of(dict) {
        for (k, v) in m.iter() {
            if v.is_obj() && v.type_of().is_heap() {
                super::list::append(snapshot, k)?;
                super::list::append(snapshot, v)?;
            }
        }
    }
    let pairs = super::list::get(snapshot)
        .map(|l| &*l.items())
        .unwrap_or(&[]);
    for kv in pairs.chunks_exact(2) {
        let (k, v) = (kv[0], kv[1]);
        if let Some((f, owner)) = lookup_with_owner(v.type_of(), Q::__set_name__) {
            if owner.is_heap() {
                runtime::call_method(f, v, &[cls, k], &[])?;
            }
        }
    }
    if let Some(first) = tuple::items(ty.bases())
        .and_then(|b| b.first().copied())
        .and_then(as_type)
    {
        if let Some((f, owner)) = lookup_with_owner(first, Q::__init_subclass__) {
            if owner.is_heap() {
                let f = if f.type_of().is_type_of(&fun::CLASSMETHOD_TYPE) {
                    fun::wrapped(f)
                } else {
                    f
                };
                runtime::call_method(f, cls, &[], &[])?;
            }
        }
    }
    Ok(cls)
}

const TYPE_OBJECT_VALUE: Value = Value::from_static(&super::object::TYPE);

fn type_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let t = as_type(v).map(|t| t.name.as_str()).unwrap_or("?");
    out.write_str("<class '")?;
    out.write_str(t)?;
    out.write_str("'>")
}

fn type_call(v: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some(t) = as_type(v) else {
        return Err(raise::type_error("not a type"));
    };
    if core::ptr::eq(t, &TYPE) {
        return type_make_new(t, args, kw);
    }
    match t.make_new {
        Some(f) => f(t, args, kw),
        None => Err(raise::cannot_create(t)),
    }
}

/// `type(x)` and `type(name, bases, dict)`; also builds the native part of a metaclass
/// instance (a class derived from `type`).
fn type_make_new(_t: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    match args {
        [x] => Ok(x.type_of().as_value()),
        [name, bases, dict] => {
            if tuple::items(*bases).is_none() {
                return Err(raise::type_error("type() argument 2 must be tuple"));
            }
            if super::dict::map_of(*dict).is_none() {
                return Err(raise::type_error("type() argument 3 must be dict"));
            }
            let q = super::str::as_str(*name)
                .ok_or_else(|| raise::type_error("type() argument 1 must be str"))
                .and_then(runtime::intern_name)?;
            new_class(q, *bases, *dict)
        }
        _ => Err(raise::type_error("type takes 1 or 3 arguments")),
    }
}

fn type_attr(v: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    let Some(t) = as_type(v) else { return Ok(None) };
    match aop {
        AttrOp::Load => match name {
            Q::__name__ => Ok(Some(Value::qstr(t.name))),
            Q::__qualname__ if !t.is_heap() => Ok(Some(Value::qstr(t.name))),
            Q::__bases__ => {
                if t.is_heap() {
                    Ok(Some(t.bases()))
                } else {
                    match t.parent {
                        Some(p) => Ok(Some(tuple::new(&[p.as_value()])?)),
                        None if core::ptr::eq(t, &super::object::TYPE) => {
                            Ok(Some(tuple::new(&[])?))
                        }
                        None => Ok(Some(tuple::new(&[TYPE_OBJECT_VALUE])?)),
                    }
                }
            }
            Q::__dict__ if t.is_heap() => Ok(Some(t.dict())),
            _ => Ok(None),
        },
        AttrOp::Store(_) | AttrOp::Delete => {
            if !t.is_heap() {
                return Err(raise::attribute_error_fmt(format_args!(
                    "can't set attributes of built-in/extension type '{}'",
                    t.name.as_str()
                )));
            }
            let Some(m) = super::dict::map_of(t.dict()) else {
                return Ok(None);
            };
            match aop {
                AttrOp::Store(x) => {
                    m.insert_qstr(name, x)?;
                    Ok(Some(Value::NONE))
                }
                _ => Ok(m.remove(Value::qstr(name))?.map(|_| Value::NONE)),
            }
        }
    }
}

fn type_binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    // `type | type` (typing unions) is not supported; equality is identity.
    match o {
        op::EQUAL => Ok(Some(Value::from_bool(a == b))),
        _ => Ok(None),
    }
}

pub static TYPE: Type = Type {
    base: ObjBase::new(&TYPE),
    name: Q::r#type,
    flags: flags::BASETYPE | flags::EQ_IS_IDENTITY,
    print: Some(type_print),
    attr: Some(type_attr),
    binary_op: Some(type_binary_op),
    make_new: Some(type_make_new),
    unary_op: None,
    subscr: None,
    getiter: None,
    iternext: None,
    ext: &crate::obj::TypeExt::call(type_call),
    locals: crate::obj::LocalsRef::EMPTY,
    parent: None,
};

/// Keys of an instance's own attribute map (for `dir`).
pub fn instance_dict_keys(v: Value) -> PyResult<Option<alloc::vec::Vec<Value>>> {
    if !v.type_of().is_heap() {
        return Ok(None);
    }
    Ok(instance_map(v).map(|m| m.iter().map(|(k, _)| k).collect()))
}

/// Call `f` for every attribute name defined by `ty` and its ancestors (for `dir`).
pub fn for_each_attr(ty: &'static Type, f: &mut dyn FnMut(Qstr) -> PyResult<()>) -> PyResult<()> {
    if ty.is_heap() {
        if let Some(m) = super::dict::map_of(ty.dict()) {
            for (k, _) in m.iter() {
                if let Some(q) = k.as_qstr() {
                    f(q)?;
                }
            }
        }
        for b in tuple::items(ty.bases()).map(|s| &*s).unwrap_or(&[]) {
            if let Some(bt) = as_type(*b) {
                for_each_attr(bt, f)?;
            }
        }
    } else {
        let mut t = Some(ty);
        while let Some(tt) = t {
            for (k, _) in tt.locals.iter() {
                f(k)?;
            }
            t = tt.parent;
        }
    }
    Ok(())
}
