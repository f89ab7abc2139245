//! `enumerate(iterable, start=0)`: pairs a running count with each item.

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::objs::list;
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;

#[repr(C)]
pub struct Enumerate {
    pub base: ObjBase,
    pub iter: Value,
    pub count: isize,
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let mut iterable = args.first().copied();
    let mut start = args.get(1).copied();
    if args.len() > 2 {
        return Err(crate::objs::list::too_many_args(2, args.len()));
    }
    for pair in kw.chunks(2) {
        let [name, val] = pair else { continue };
        match name.as_qstr() {
            Some(Q::iterable) if iterable.is_none() => iterable = Some(*val),
            Some(Q::start) if start.is_none() => start = Some(*val),
            _ => return Err(raise::type_error("unexpected keyword argument")),
        }
    }
    let Some(iterable) = iterable else {
        return Err(raise::type_error("'iterable' argument required"));
    };
    let count = match start {
        Some(s) => list::int_of(s)?,
        None => 0,
    };
    let iter = runtime::get_iter(iterable)?;
    Ok(Value::from_ptr(mem::alloc(Enumerate {
        base: ObjBase::new(&TYPE),
        iter,
        count,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let Some(e) = it.downcast::<Enumerate>(&TYPE) else {
        return Ok(None);
    };
    let Some(x) = runtime::iter_next(e.iter)? else {
        return Ok(None);
    };
    let n = crate::objs::int::from_i64(e.count as i64)?;
    e.count = e.count.wrapping_add(1);
    crate::objs::tuple::new(&[n, x]).map(Some)
}

pub static TYPE: Type = Type {
    name: Q::enumerate,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    iternext: Some(iter_next),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn counts_from_start() {
        with_vm(|| {
            let l = crate::objs::list::new(&[Value::NONE]).unwrap();
            let kw = [Value::qstr(Q::start), Value::small_int(-3)];
            let e = make_new(&TYPE, &[l], &kw).unwrap();
            let pair = runtime::iter_next(e).unwrap().unwrap();
            let items = crate::objs::tuple::items(pair).unwrap();
            assert_eq!(items, &[Value::small_int(-3), Value::NONE]);
            assert!(runtime::iter_next(e).unwrap().is_none());
            assert!(make_new(&TYPE, &[], &[]).is_err());
            assert!(make_new(&TYPE, &[l, Value::NONE], &[]).is_err());
        });
    }
}
