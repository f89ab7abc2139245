//! `collections.deque`: a fixed-capacity ring buffer (MicroPython's py/objdeque.c).
//! `deque(iterable, maxlen[, flags])`: maxlen is required; appending to a full deque drops
//! the item at the other end, unless flag 1 is given, which makes it raise
//! `IndexError('full')` instead. Indexing is supported, slicing and deletion are not.
//!
//! The ring has `maxlen + 1` slots: `get == put` means empty, so one slot stays unused.

use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, SubscrOp, Type};
use crate::objs::list;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::unary as uop;

const FLAG_CHECK_OVERFLOW: usize = 1;

#[repr(C)]
pub struct Deque {
    pub base: ObjBase,
    /// Number of slots (maxlen + 1).
    pub alloc: usize,
    pub get: usize,
    pub put: usize,
    pub items: *mut Value,
    pub flags: usize,
}

impl Deque {
    fn slots(&self) -> &'static mut [Value] {
        if self.items.is_null() {
            return &mut [];
        }
        // SAFETY: items holds `alloc` values, kept alive by this object.
        unsafe { core::slice::from_raw_parts_mut(self.items, self.alloc) }
    }

    fn len(&self) -> usize {
        if self.put >= self.get {
            self.put - self.get
        } else {
            self.put + self.alloc - self.get
        }
    }

    fn next(&self, i: usize) -> usize {
        if i + 1 >= self.alloc {
            0
        } else {
            i + 1
        }
    }

    fn prev(&self, i: usize) -> usize {
        if i == 0 {
            self.alloc - 1
        } else {
            i - 1
        }
    }

    fn set(&self, i: usize, v: Value) {
        if let Some(s) = self.slots().get_mut(i) {
            *s = v;
        }
    }

    fn at(&self, i: usize) -> Value {
        self.slots().get(i).copied().unwrap_or(Value::NONE)
    }

    fn push_back(&mut self, v: Value) -> PyResult<()> {
        let np = self.next(self.put);
        if self.flags & FLAG_CHECK_OVERFLOW != 0 && np == self.get {
            return Err(raise::index_error("full"));
        }
        self.set(self.put, v);
        self.put = np;
        if self.get == np {
            // Full: the oldest item is overwritten.
            self.get = self.next(self.get);
        }
        Ok(())
    }

    fn push_front(&mut self, v: Value) -> PyResult<()> {
        let ng = self.prev(self.get);
        if self.flags & FLAG_CHECK_OVERFLOW != 0 && ng == self.put {
            return Err(raise::index_error("full"));
        }
        self.get = ng;
        self.set(ng, v);
        if self.put == ng {
            self.put = self.prev(self.put);
        }
        Ok(())
    }
}

fn this(v: Value) -> PyResult<&'static mut Deque> {
    v.downcast(&TYPE)
        .ok_or_else(|| raise::type_error("expected a deque"))
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 2, 3)?;
    let maxlen = crate::objs::int::get_isize(args[1])?;
    if maxlen < 0 {
        return Err(raise::with_args(&crate::objs::exception::VALUE_ERROR, &[]));
    }
    let alloc = (maxlen as usize).checked_add(1).ok_or_else(mem::oom)?;
    let fl = match args.get(2) {
        Some(f) => crate::objs::int::get_isize(*f)? as usize,
        None => 0,
    };
    let items = mem::alloc_array::<Value>(alloc)?;
    let d = Value::from_ptr(mem::alloc(Deque {
        base: ObjBase::new(&TYPE),
        alloc,
        get: 0,
        put: 0,
        items,
        flags: fl,
    })?);
    extend(d, args[0])?;
    Ok(d)
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let d = this(v)?;
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(d.get != d.put)),
        uop::LEN => Some(Value::small_int(d.len() as isize)),
        _ => None,
    })
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let d = this(v)?;
    if sop == SubscrOp::Delete {
        return Ok(None);
    }
    let off = list::get_index(&TYPE, d.len(), index, false)?;
    let mut i = d.get + off;
    if i >= d.alloc {
        i -= d.alloc;
    }
    match sop {
        SubscrOp::Load => Ok(Some(d.at(i))),
        SubscrOp::Store(x) => {
            d.set(i, x);
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => Ok(None),
    }
}

// --- iterator ---

#[repr(C)]
pub struct DequeIter {
    pub base: ObjBase,
    pub deque: Value,
    pub cur: usize,
}

fn getiter(v: Value) -> PyResult<Value> {
    let d = this(v)?;
    Ok(Value::from_ptr(mem::alloc(DequeIter {
        base: ObjBase::new(&ITER_TYPE),
        deque: v,
        cur: d.get,
    })?))
}

fn iternext(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<DequeIter>(&ITER_TYPE) else {
        return Ok(None);
    };
    let d = this(s.deque)?;
    if s.cur == d.put || s.cur >= d.alloc {
        return Ok(None);
    }
    let x = d.at(s.cur);
    s.cur = d.next(s.cur);
    Ok(Some(x))
}

pub static ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(iternext),
    ..Type::EMPTY
};

// --- methods ---

fn append(v: Value, x: Value) -> PyResult<Value> {
    this(v)?.push_back(x)?;
    Ok(Value::NONE)
}

fn appendleft(v: Value, x: Value) -> PyResult<Value> {
    this(v)?.push_front(x)?;
    Ok(Value::NONE)
}

fn extend(v: Value, iterable: Value) -> PyResult<Value> {
    let it = runtime::get_iter(iterable)?;
    while let Some(x) = runtime::iter_next(it)? {
        this(v)?.push_back(x)?;
    }
    Ok(Value::NONE)
}

fn popleft(v: Value) -> PyResult<Value> {
    let d = this(v)?;
    if d.get == d.put {
        return Err(raise::index_error("empty"));
    }
    let x = d.at(d.get);
    d.set(d.get, Value::NULL);
    d.get = d.next(d.get);
    Ok(x)
}

fn pop(v: Value) -> PyResult<Value> {
    let d = this(v)?;
    if d.get == d.put {
        return Err(raise::index_error("empty"));
    }
    d.put = d.prev(d.put);
    let x = d.at(d.put);
    d.set(d.put, Value::NULL);
    Ok(x)
}

static LOCALS: [(Qstr, Value); 5] = [
    crate::entry!(append, crate::fun!(append, F2(append))),
    crate::entry!(appendleft, crate::fun!(appendleft, F2(appendleft))),
    crate::entry!(extend, crate::fun!(extend, F2(extend))),
    crate::entry!(pop, crate::fun!(pop, F1(pop))),
    crate::entry!(popleft, crate::fun!(popleft, F1(popleft))),
];

pub static TYPE: Type = Type {
    name: Q::deque,
    make_new: Some(make_new),
    unary_op: Some(unary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, m, r};
    use crate::state::testing::with_vm;

    fn dq(items: &[isize], maxlen: isize, fl: isize) -> PyResult<Value> {
        let vals: alloc::vec::Vec<Value> = items.iter().map(|n| i(*n)).collect();
        let l = list::new(&vals).unwrap();
        runtime::call(TYPE.as_value(), &[l, i(maxlen), i(fl)], &[])
    }

    fn contents(d: Value) -> alloc::string::String {
        r(list::from_iter(d))
    }

    #[test]
    fn ring_behaviour() {
        with_vm(|| {
            let d = dq(&[1, 2, 3], 2, 0).unwrap();
            assert_eq!(contents(d), "[2, 3]");
            m(d, "appendleft", &[i(0)]).unwrap();
            assert_eq!(contents(d), "[0, 2]");
            m(d, "append", &[i(9)]).unwrap();
            assert_eq!(contents(d), "[2, 9]");
            assert_eq!(r(runtime::subscr(d, i(-1))), "9");
            runtime::store_subscr(d, i(0), i(5)).unwrap();
            assert_eq!(r(m(d, "popleft", &[])), "5");
            assert_eq!(r(m(d, "pop", &[])), "9");
            assert_eq!(r(m(d, "pop", &[])), "IndexError: empty");
            assert_eq!(runtime::len(d).unwrap(), 0);
            assert_eq!(
                r(runtime::subscr(d, i(0))),
                "IndexError: deque index out of range"
            );
        });
    }

    #[test]
    fn overflow_flag_and_errors() {
        with_vm(|| {
            let d = dq(&[1], 1, 1).unwrap();
            assert_eq!(r(m(d, "append", &[i(2)])), "IndexError: full");
            assert_eq!(r(m(d, "appendleft", &[i(2)])), "IndexError: full");
            assert_eq!(r(dq(&[], -1, 0)), "ValueError: ");
            assert_eq!(
                r(dq(&[1, 2], 0, 0).map(|d| list::from_iter(d).unwrap())),
                "[]"
            );
        });
    }
}
