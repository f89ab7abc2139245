//! `filter(function, iterable)`: the items for which `function(item)` is true (or, with
//! `None` as the function, the items that are true themselves).

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::runtime;
use crate::value::Value;

#[repr(C)]
pub struct Filter {
    pub base: ObjBase,
    pub fun: Value,
    pub iter: Value,
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::list::check_args(args, kw, 2, 2)?;
    let (fun, iterable) = (args[0], args[1]);
    let iter = runtime::get_iter(iterable)?;
    Ok(Value::from_ptr(mem::alloc(Filter {
        base: ObjBase::new(&TYPE),
        fun,
        iter,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let Some(f) = it.downcast::<Filter>(&TYPE) else {
        return Ok(None);
    };
    while let Some(x) = runtime::iter_next(f.iter)? {
        let keep = if f.fun.is_none() {
            x
        } else {
            runtime::call1(f.fun, x)?
        };
        if runtime::is_true(keep)? {
            return Ok(Some(x));
        }
    }
    Ok(None)
}

pub static TYPE: Type = Type {
    name: Q::filter,
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
    fn none_keeps_true_items() {
        with_vm(|| {
            let l =
                crate::objs::list::new(&[Value::small_int(0), Value::NONE, Value::small_int(7)])
                    .unwrap();
            let f = make_new(&TYPE, &[Value::NONE, l], &[]).unwrap();
            assert_eq!(runtime::iter_next(f).unwrap(), Some(Value::small_int(7)));
            assert_eq!(runtime::iter_next(f).unwrap(), None);
        });
    }
}
