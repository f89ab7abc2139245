//! `collections`: `deque`, `namedtuple` and `OrderedDict` (py/modcollections.c). The types
//! live in `objs/deque.rs` and `objs/namedtuple.rs`; `OrderedDict` is defined here: dicts
//! already keep insertion order, so it is a dict-derived static type with the dict layout
//! and slots, differing only in its name (its repr is `OrderedDict({...})`).

use crate::obj::{flags, PyResult, Type};
use crate::objs::{dict, module::Module, namedtuple};
use crate::qstr::{Qstr, Q};
use crate::value::Value;

/// Two OrderedDicts are equal only with the same items in the same order, and never
/// equal to a plain dict (as upstream); other operations are the dict's.
fn ordered_binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    if o == upy_compiler::bc::binary::EQUAL
        && a.is_type(&ORDERED_DICT_TYPE)
        && b.is_type(&ORDERED_DICT_TYPE)
    {
        let (mut i, mut j) = (0, 0);
        loop {
            let x = next_item(a, &mut i);
            let y = next_item(b, &mut j);
            match (x, y) {
                (None, None) => return Ok(Some(Value::TRUE)),
                (Some((k1, v1)), Some((k2, v2))) => {
                    if !crate::runtime::equal(k1, k2)? || !crate::runtime::equal(v1, v2)? {
                        return Ok(Some(Value::FALSE));
                    }
                }
                _ => return Ok(Some(Value::FALSE)),
            }
        }
    }
    if o == upy_compiler::bc::binary::EQUAL && !core::ptr::eq(a.type_of(), b.type_of()) {
        // Neither type claims equality across types, so upstream never compares them.
        return Ok(Some(Value::FALSE));
    }
    match dict::TYPE.binary_op {
        Some(f) => f(o, a, b),
        None => Ok(None),
    }
}

/// The next live entry of a dict's map at or after slot `*i`.
fn next_item(d: Value, i: &mut usize) -> Option<(Value, Value)> {
    loop {
        let slot = dict::map_of(d)?.slot(*i)?;
        *i += 1;
        if slot.is_some() {
            return slot;
        }
    }
}

pub static ORDERED_DICT_TYPE: Type = Type {
    name: Q::OrderedDict,
    flags: flags::BASETYPE,
    make_new: dict::TYPE.make_new,
    print: dict::TYPE.print,
    unary_op: dict::TYPE.unary_op,
    binary_op: Some(ordered_binary_op),
    subscr: dict::TYPE.subscr,
    getiter: dict::TYPE.getiter,
    parent: Some(&dict::TYPE),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::collections)),
    (Q::OrderedDict, Value::from_static(&ORDERED_DICT_TYPE)),
    (Q::deque, Value::from_static(&crate::objs::deque::TYPE)),
    crate::entry!(
        namedtuple,
        crate::fun!(namedtuple, F2(namedtuple::namedtuple))
    ),
];

pub static MODULE: Module = Module::new_static(Q::collections, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, r, s};
    use crate::runtime;
    use crate::state::testing::with_vm;

    #[test]
    fn ordered_dict_is_a_named_dict() {
        with_vm(|| {
            let d = runtime::call(ORDERED_DICT_TYPE.as_value(), &[], &[]).unwrap();
            runtime::store_subscr(d, s("b"), i(2)).unwrap();
            runtime::store_subscr(d, s("a"), i(1)).unwrap();
            assert_eq!(r(Ok(d)), "OrderedDict({'b': 2, 'a': 1})");
            let e = runtime::call(ORDERED_DICT_TYPE.as_value(), &[], &[]).unwrap();
            runtime::store_subscr(e, s("a"), i(1)).unwrap();
            runtime::store_subscr(e, s("b"), i(2)).unwrap();
            assert!(!runtime::equal(d, e).unwrap());
            let plain = dict::new().unwrap();
            runtime::store_subscr(plain, s("a"), i(1)).unwrap();
            runtime::store_subscr(plain, s("b"), i(2)).unwrap();
            assert!(!runtime::equal(e, plain).unwrap());
            assert!(runtime::is_instance(d, &dict::TYPE));
            assert_eq!(r(runtime::subscr(d, s("a"))), "1");
            let (f, this) = runtime::load_method(d, Q::popitem).unwrap();
            assert_eq!(r(runtime::call_method(f, this, &[], &[])), "('a', 1)");
        });
    }
}
