//! `collections.namedtuple(name, fields)`: makes a new tuple type whose items are also
//! reachable by field name (MicroPython's py/objnamedtuple.c). The type is built at run time
//! on the GC heap as an [`NtType`]: a built-in-style `Type` (parent `tuple`, tuple slots,
//! not a heap class) followed by the tuple of field names. Instances use the tuple layout,
//! so every tuple operation applies to them.
//!
//! As upstream: fields are a list/tuple of strs or one str split on whitespace, there is
//! no `_fields`/`_replace`/`_asdict`, and attributes cannot be assigned.

use crate::mem;
use crate::obj::{flags, AttrOp, MakeNewFn, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::{list, r#type, str as pystr, tuple};
use crate::qstr::Qstr;
use crate::raise;
use crate::runtime;
use crate::value::Value;

/// A namedtuple type: the type proper, then its field names (a tuple of qstr values).
#[repr(C)]
pub struct NtType {
    pub ty: Type,
    pub fields: Value,
}

/// Whether `ty` was made by `namedtuple` (it then has the [`NtType`] layout).
pub fn is_namedtuple_type(ty: &Type) -> bool {
    ty.make_new
        .is_some_and(|f| core::ptr::fn_addr_eq(f, make_new as MakeNewFn))
}

fn fields_of(ty: &'static Type) -> &'static [Value] {
    if !is_namedtuple_type(ty) {
        return &[];
    }
    // SAFETY: namedtuple types are allocated as NtType, whose first field is the Type.
    let nt = unsafe { &*(ty as *const Type as *const NtType) };
    tuple::items(nt.fields).map(|s| &*s).unwrap_or(&[])
}

fn field_index(ty: &'static Type, name: Qstr) -> Option<usize> {
    fields_of(ty).iter().position(|f| f.as_qstr() == Some(name))
}

fn str_qstr(v: Value) -> PyResult<Qstr> {
    if let Some(q) = v.as_qstr() {
        return Ok(q);
    }
    let s = pystr::as_str(v)
        .filter(|_| pystr::is_str(v))
        .ok_or_else(|| pystr::bad_implicit_conversion(v))?;
    Qstr::intern(s).ok_or_else(mem::oom)
}

// --- instances ---

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let fields = fields_of(ty);
    let n = fields.len();
    let given = args.len() + kw.len() / 2;
    if given != n {
        return Err(crate::objs::function::takes_n_args(ty.name, n, given));
    }
    let p = mem::alloc_var::<tuple::Tuple, Value>(
        tuple::Tuple {
            base: ObjBase::of(ty),
            len: n,
        },
        n,
    )?;
    // SAFETY: just allocated with room for n values (zeroed, i.e. NULL).
    let items = unsafe { core::slice::from_raw_parts_mut(mem::items_ptr::<_, Value>(p), n) };
    items[..args.len()].copy_from_slice(args);
    for pair in kw.chunks_exact(2) {
        let name = str_qstr(pair[0])?;
        let Some(i) = field_index(ty, name) else {
            return Err(crate::objs::function::unexpected_kw(name.as_str()));
        };
        if !items[i].is_null() {
            return Err(crate::objs::function::multiple_values(name.as_str()));
        }
        items[i] = pair[1];
    }
    Ok(Value::from_ptr(p))
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let ty = v.type_of();
    let fields = fields_of(ty);
    let items: &[Value] = tuple::items(v).map_or(&[], |s| &*s);
    crate::objs::attrtuple::print_fields(out, ty.name.as_str(), items, &|i| {
        fields
            .get(i)
            .and_then(|f| f.as_qstr())
            .map_or("?", |q| q.as_str())
    })
}

/// Fields only: as upstream, the attr slot hides the tuple methods (`count`, `index`).
fn attr(v: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    match aop {
        AttrOp::Load => {
            if let Some(i) = field_index(v.type_of(), name) {
                return Ok(tuple::items(v).and_then(|s| s.get(i).copied()));
            }
            if name == crate::qstr::Q::__class__ {
                return Ok(None);
            }
            Err(raise::no_attribute(v.type_of(), name))
        }
        _ => Err(raise::attribute_error("can't set attribute")),
    }
}

// --- the type factory ---

/// `namedtuple(name, fields)`.
pub fn namedtuple(name: Value, fields: Value) -> PyResult<Value> {
    let name = str_qstr(name)?;
    let fields = if pystr::is_str(fields) {
        let (f, this) = runtime::load_method(fields, crate::qstr::Q::split)?;
        runtime::call_method(f, this, &[], &[])?
    } else {
        fields
    };
    let names: &[Value] = if let Some(t) = tuple::items(fields) {
        t
    } else if let Some(l) = list::get(fields) {
        l.items()
    } else {
        return Err(list::not_tuple_or_list(fields));
    };
    let (field_tuple, slots) = tuple::new_uninit(names.len())?;
    for s in slots.iter_mut() {
        *s = Value::NONE;
    }
    for (k, f) in names.iter().enumerate() {
        let q = str_qstr(*f)?;
        if let Some(s) = slots.get_mut(k) {
            *s = Value::qstr(q);
        }
    }
    let t = &tuple::TYPE;
    let nt = NtType {
        ty: Type {
            base: ObjBase::new(&r#type::TYPE),
            name,
            flags: flags::EQ_CHECKS_OTHER_TYPE | flags::BASETYPE,
            make_new: Some(make_new),
            print: Some(print),
            unary_op: t.unary_op,
            binary_op: t.binary_op,
            attr: Some(attr),
            subscr: t.subscr,
            getiter: t.getiter,
            parent: Some(t),
            ..Type::EMPTY
        },
        fields: field_tuple,
    };
    Ok(Value::from_ptr(mem::alloc(nt)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, r, s};
    use crate::state::testing::with_vm;
    use upy_compiler::bc::binary as op;

    #[test]
    fn fields_and_tuple_behaviour() {
        with_vm(|| {
            let t = namedtuple(s("Tup"), s("foo bar")).unwrap();
            let kw = [Value::qstr(Qstr::intern("foo").unwrap()), i(2)];
            let x = runtime::call(t, &[i(1)], &[]).map(|_| Value::NONE);
            assert_eq!(
                r(x),
                "TypeError: Tup() takes 2 positional arguments but 1 were given"
            );
            let v = runtime::call(
                t,
                &[],
                &[
                    kw[0],
                    kw[1],
                    Value::qstr(Qstr::intern("bar").unwrap()),
                    i(1),
                ],
            )
            .unwrap();
            assert_eq!(r(Ok(v)), "Tup(foo=2, bar=1)");
            assert_eq!(r(runtime::load_attr(v, Qstr::intern("bar").unwrap())), "1");
            assert_eq!(r(runtime::subscr(v, i(0))), "2");
            assert_eq!(runtime::len(v).unwrap(), 2);
            assert!(runtime::is_instance(v, &tuple::TYPE));
            let plain = tuple::new(&[i(2), i(1)]).unwrap();
            assert_eq!(r(runtime::binary_op(op::EQUAL, plain, v)), "True");
            assert_eq!(r(runtime::binary_op(op::EQUAL, v, plain)), "True");
            assert_eq!(r(runtime::binary_op(op::ADD, v, v)), "(2, 1, 2, 1)");
            assert_eq!(
                r(runtime::store_attr(v, Qstr::intern("foo").unwrap(), i(0)).map(|_| Value::NONE)),
                "AttributeError: can't set attribute"
            );
            assert_eq!(
                r(runtime::call(t, &[i(1)], &kw).map(|_| Value::NONE)),
                "TypeError: function got multiple values for argument 'foo'"
            );
            assert_eq!(
                r(namedtuple(s("T"), i(1))),
                "TypeError: object 'int' isn't a tuple or list"
            );
            let e = namedtuple(s("E"), list::new(&[]).unwrap()).unwrap();
            assert_eq!(r(runtime::call(e, &[], &[])), "E()");
        });
    }
}
