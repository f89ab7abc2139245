//! `reversed(seq)`: delegates to `__reversed__` when the object has one, iterates ranges
//! directly, and otherwise walks any sequence backwards through `len()` and indexing.

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::objs::list;
use crate::qstr::Q;
use crate::runtime;
use crate::value::Value;

#[repr(C)]
pub struct Reversed {
    pub base: ObjBase,
    pub seq: Value,
    /// Index of the next item plus one; 0 when exhausted.
    pub next: usize,
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 1)?;
    let seq = args[0];
    if let Some(it) = crate::objs::range::reversed(seq)? {
        return Ok(it);
    }
    if crate::objs::dict::map_or_native(seq).is_some() || seq.is_type(&crate::objs::dict::VIEW_TYPE)
    {
        // Dicts and their views reverse in insertion order (CPython 3.8+): snapshot them.
        let items = list::from_iter(seq)?;
        if let Some(l) = list::get(items) {
            l.items().reverse();
        }
        return runtime::get_iter(items);
    }
    if list::get(seq).is_none() && crate::objs::tuple::items(seq).is_none() {
        if let Some(f) = runtime::load_attr_opt(seq, Q::__reversed__)? {
            return runtime::call0(f);
        }
    }
    let n = runtime::len(seq)?;
    Ok(Value::from_ptr(mem::alloc(Reversed {
        base: ObjBase::new(&TYPE),
        seq,
        next: n,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    // Nested iterators recurse natively through here: bound the depth.
    let _g = crate::objs::list::NestGuard::enter()?;
    let Some(r) = it.downcast::<Reversed>(&TYPE) else {
        return Ok(None);
    };
    if r.next == 0 {
        return Ok(None);
    }
    r.next -= 1;
    if let Some(l) = list::get(r.seq) {
        // A list may have shrunk since: then the iterator ends, as CPython's does.
        if r.next >= l.len {
            r.next = 0;
            return Ok(None);
        }
    }
    runtime::subscr(r.seq, Value::small_int(r.next as isize)).map(Some)
}

pub static TYPE: Type = Type {
    name: Q::reversed,
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
    fn walks_sequences_backwards() {
        with_vm(|| {
            let t = crate::objs::tuple::new(&[Value::small_int(1), Value::small_int(2)]).unwrap();
            let r = make_new(&TYPE, &[t], &[]).unwrap();
            assert_eq!(runtime::iter_next(r).unwrap(), Some(Value::small_int(2)));
            assert_eq!(runtime::iter_next(r).unwrap(), Some(Value::small_int(1)));
            assert_eq!(runtime::iter_next(r).unwrap(), None);
            // A list that shrinks ends the iteration.
            let l = crate::objs::list::new(&[Value::NONE, Value::NONE, Value::NONE]).unwrap();
            let r = make_new(&TYPE, &[l], &[]).unwrap();
            crate::objs::list::get(l).unwrap().len = 1;
            assert_eq!(runtime::iter_next(r).unwrap(), None);
            assert!(make_new(&TYPE, &[Value::small_int(3)], &[]).is_err());
        });
    }
}
