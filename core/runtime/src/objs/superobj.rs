//! `super`: attribute lookup that starts after a given class in the instance's hierarchy.
//! Zero-argument `super()` compiles to `super(__class__, self)`; `super().m()` compiles to
//! LOAD_SUPER_METHOD, which uses [`load_method`] without allocating a super object.

use crate::obj::{flags, AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::r#type::as_type;
use crate::objs::tuple;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;

#[repr(C)]
pub struct Super {
    pub base: ObjBase,
    pub cls: Value,
    pub obj: Value,
}

fn make_new(_ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    match args {
        [cls, obj] => {
            let Some(c) = as_type(*cls) else {
                return Err(raise::type_error("first argument to super() must be type"));
            };
            let ok = match as_type(*obj) {
                Some(t) => runtime::is_subclass(t, c),
                None => runtime::is_subclass(obj.type_of(), c),
            };
            if !ok {
                return Err(raise::type_error(
                    "super(type, obj): obj must be an instance or subtype of type",
                ));
            }
            Ok(Value::from_ptr(crate::mem::alloc(Super {
                base: ObjBase::new(&TYPE),
                cls: *cls,
                obj: *obj,
            })?))
        }
        _ => Err(raise::type_error("super() requires 2 arguments")),
    }
}

/// Find `name` in the bases of `cls` (depth first), returning the value and the type that
/// defines it.
fn lookup_after(cls: &'static Type, name: Qstr) -> Option<(Value, &'static Type)> {
    let bases: &[Value] = if cls.is_heap() {
        tuple::items(cls.bases()).map(|s| &*s).unwrap_or(&[])
    } else {
        return cls
            .parent
            .and_then(|p| find(p, name))
            .or_else(|| find(&crate::objs::object::TYPE, name));
    };
    for b in bases {
        if let Some(bt) = as_type(*b) {
            if let Some(r) = find(bt, name) {
                return Some(r);
            }
        }
    }
    find(&crate::objs::object::TYPE, name)
}

fn find(ty: &'static Type, name: Qstr) -> Option<(Value, &'static Type)> {
    if ty.is_heap() {
        if let Some(v) = crate::objs::dict::map_of(ty.dict()).and_then(|m| m.get_qstr(name)) {
            return Some((v, ty));
        }
        for b in tuple::items(ty.bases()).map(|s| &*s).unwrap_or(&[]) {
            if let Some(bt) = as_type(*b) {
                if let Some(r) = find(bt, name) {
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

fn receiver(obj: Value, owner: &'static Type) -> Value {
    if !owner.is_heap() && !owner.has_flag(flags::EXCEPTION) {
        if let Some(n) = crate::objs::r#type::native_of(obj) {
            return n;
        }
    }
    obj
}

/// `super(cls, obj).name` for a call: (method, self) or (value, NULL).
pub fn load_method(cls: Value, obj: Value, name: Qstr) -> PyResult<(Value, Value)> {
    let c = as_type(cls).ok_or_else(|| raise::type_error("super() argument 1 must be type"))?;
    match lookup_after(c, name) {
        Some((_, owner)) if name == Q::__init__ && !owner.is_heap() && obj.type_of().is_heap() => {
            Ok((crate::objs::r#type::native_init_fun(), obj))
        }
        Some((v, owner)) => {
            if runtime::binds_self(v, owner) {
                Ok((v, receiver(obj, owner)))
            } else {
                let ty = if as_type(obj).is_some() {
                    as_type(obj).unwrap_or(c)
                } else {
                    obj.type_of()
                };
                Ok((
                    runtime::load_attr_bound(v, receiver(obj, owner), ty, owner)?,
                    Value::NULL,
                ))
            }
        }
        None => Err(raise::no_attribute(&TYPE, name)),
    }
}

fn attr(sv: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    if op != AttrOp::Load {
        return Ok(None);
    }
    let s: &Super = sv
        .downcast(&TYPE)
        .ok_or_else(|| raise::type_error("expected super"))?;
    let (m, this) = load_method(s.cls, s.obj, name)?;
    if this.is_null() {
        Ok(Some(m))
    } else {
        crate::objs::fun::bound_method(m, this).map(Some)
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(s) = v.downcast::<Super>(&TYPE) else {
        return out.write_str("<super>");
    };
    out.write_str("<super: ")?;
    runtime::print_value(out, s.cls, PrintKind::Repr)?;
    out.write_str(", ")?;
    runtime::print_value(out, s.obj, PrintKind::Repr)?;
    out.write_str(">")
}

pub static TYPE: Type = Type {
    name: Q::super_,
    make_new: Some(make_new),
    attr: Some(attr),
    print: Some(print),
    ..Type::EMPTY
};
