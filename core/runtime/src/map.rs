//! The hash table behind dict, set, class and module namespaces and instance attributes.
//! Insertion-ordered: entries are appended to an array and a separate open-addressing
//! index (built only once a map outgrows a few entries) maps hashes to entry positions.
//!
//! ```text
//!   entries: [ (key, value, hash) | (NULL, _, _) deleted | ... ]   len live, used slots
//!   index:   [ entry position + 1 | 0 empty ]                       power of two, <= 1/2 full
//! ```
//! Small maps (up to `LINEAR_MAX` slots) are scanned linearly, which is faster than hashing
//! for the typical instance or keyword-argument map. qstr keys compare by identity.

use crate::mem;
use crate::obj::PyResult;
use crate::qstr::Qstr;
use crate::value::Value;

const LINEAR_MAX: usize = 8;

/// Flag kept in the top bit of `Map::cap`: the map is a class namespace, so changing it
/// must invalidate the attribute lookup cache (`objs/type.rs`). Class dicts can be reached
/// and changed as plain dicts (`C.__dict__`, the dict given to `type()`), so the map itself
/// reports every change rather than the code paths that usually change it.
const WATCHED: usize = 1 << (usize::BITS - 1);

/// Bumped whenever a watched map changes (and when one starts being watched).
static CLASS_EPOCH: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(1);

/// The current class-namespace epoch: cached lookups made at another epoch are stale.
#[inline]
pub fn class_epoch() -> usize {
    CLASS_EPOCH.load(core::sync::atomic::Ordering::Relaxed)
}

#[inline]
pub fn bump_class_epoch() {
    CLASS_EPOCH.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Entry {
    pub key: Value,
    pub value: Value,
    pub hash: usize,
}

#[repr(C)]
pub struct Map {
    entries: *mut Entry,
    len: usize,
    used: usize,
    cap: usize,
    index: *mut u32,
    index_cap: usize,
    /// One bit per qstr key (its id modulo 64), all bits once any other kind of key was
    /// inserted; never cleared by removal. A name whose bit is clear is certainly absent,
    /// which answers the many misses of attribute lookup (instance map before class,
    /// class chain before `object`, descriptor checks on every store) without a scan.
    /// Kept in machine words: on 32-bit targets a `u64` test is a library call.
    qstr_bits: [usize; FILTER_WORDS],
    /// Never hashed nor indexed: every lookup scans (OrderedDict, whose keys, as
    /// upstream's, need only equality, so unhashable ones such as slices are accepted).
    linear: bool,
}

impl Default for Map {
    fn default() -> Self {
        Map::new()
    }
}

/// Key equality: identity, then str content, then the full runtime comparison.
#[inline]
fn keys_equal(a: Value, b: Value) -> PyResult<bool> {
    if a == b {
        return Ok(true);
    }
    if a.is_qstr() && b.is_qstr() {
        return Ok(false);
    }
    if a.is_small_int() && b.is_small_int() {
        return Ok(false);
    }
    crate::runtime::equal(a, b)
}

/// Hash used for table positions. Equal keys must hash alike, and `True == 1`, so bools
/// hash as the ints they equal (the generic hash of an immediate is its bit pattern).
#[inline]
fn key_hash(key: Value) -> PyResult<usize> {
    if key.is_bool() {
        return Ok((key == Value::TRUE) as usize);
    }
    crate::runtime::hash(key)
}

/// Where a qstr key was last found in a large map: (map address, qstr id, entry position),
/// direct-mapped. Needs no invalidation: a hit is used only when the entry at that position
/// of this map still holds this very key, and a key is in a map at most once; whatever
/// map now lives at a remembered address, the check reads its own entries.
struct PositionCache(core::cell::UnsafeCell<[(usize, u32, u32); POSITION_CACHE_SLOTS]>);

const POSITION_CACHE_SLOTS: usize = 128;

// SAFETY: the VM runs one thread of Python at a time (the interpreter lock), and entries
// are copied in and out whole, with no reference held across calls.
unsafe impl Sync for PositionCache {}

static POSITION_CACHE: PositionCache = PositionCache(core::cell::UnsafeCell::new(
    [(0, 0, 0); POSITION_CACHE_SLOTS],
));

#[inline(always)]
fn position_cache_slot(m: &Map, q: Qstr) -> usize {
    let p = m as *const Map as usize;
    ((p >> 4) ^ (q.0 as usize)) % POSITION_CACHE_SLOTS
}

const FILTER_WORDS: usize = 64 / usize::BITS as usize;

/// The filter word and bit of a name (its id modulo 64).
#[inline(always)]
fn qstr_bit(q: Qstr) -> (usize, usize) {
    let b = q.0 as usize % 64;
    (b / usize::BITS as usize, 1 << (b % usize::BITS as usize))
}

impl Map {
    pub const fn new() -> Map {
        Map {
            entries: core::ptr::null_mut(),
            len: 0,
            used: 0,
            cap: 0,
            index: core::ptr::null_mut(),
            index_cap: 0,
            qstr_bits: [0; FILTER_WORDS],
            linear: false,
        }
    }

    /// Switches an empty map to scanning without hashes (see `linear`).
    pub fn set_linear(&mut self) {
        self.linear = true;
        if !self.index.is_null() {
            mem::free(self.index);
            self.index = core::ptr::null_mut();
            self.index_cap = 0;
        }
    }

    pub fn is_linear(&self) -> bool {
        self.linear
    }

    /// A map with room for `n` entries.
    pub fn with_capacity(n: usize) -> PyResult<Map> {
        let mut m = Map::new();
        if n > 0 {
            m.entries = mem::alloc_array::<Entry>(n)?;
            m.cap = n;
        }
        if n > LINEAR_MAX {
            // Large maps need their index from the start, or every insert scans.
            m.rebuild_index((n * 2).next_power_of_two())?;
        }
        Ok(m)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn cap(&self) -> usize {
        self.cap & !WATCHED
    }

    /// Mark this map as a class namespace: from now on every change to it invalidates
    /// cached attribute lookups.
    pub fn watch(&mut self) {
        self.cap |= WATCHED;
        bump_class_epoch();
    }

    #[inline]
    fn changing(&self) {
        if self.cap & WATCHED != 0 {
            bump_class_epoch();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slots(&self) -> &[Entry] {
        if self.entries.is_null() {
            return &[];
        }
        // SAFETY: entries holds `used` initialised entries.
        unsafe { core::slice::from_raw_parts(self.entries, self.used) }
    }

    fn slots_mut(&mut self) -> &mut [Entry] {
        if self.entries.is_null() {
            return &mut [];
        }
        // SAFETY: entries holds `used` initialised entries.
        unsafe { core::slice::from_raw_parts_mut(self.entries, self.used) }
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        self.slots()
            .iter()
            .filter(|e| !e.key.is_null())
            .map(|e| (e.key, e.value))
    }

    /// Entry at slot `i` (including deleted ones, which are skipped by returning None);
    /// used by dict iterators that must survive mutation.
    pub fn slot(&self, i: usize) -> Option<Option<(Value, Value)>> {
        let e = self.slots().get(i)?;
        Some(if e.key.is_null() {
            None
        } else {
            Some((e.key, e.value))
        })
    }

    pub fn slot_count(&self) -> usize {
        self.used
    }

    fn find(&self, key: Value, hash: Option<usize>) -> PyResult<Option<usize>> {
        if self.index.is_null() {
            if hash.is_none() && key.is_obj() && self.len > 0 && !self.linear {
                // Unhashable keys are an error even where no hash is needed (except in an
                // empty map, where MicroPython looks nothing up either).
                key_hash(key)?;
            }
            // Re-read the slots each step: a key's `__eq__` may mutate this map.
            let mut i = 0;
            while let Some(e) = self.slots().get(i).copied() {
                if !e.key.is_null() && keys_equal(e.key, key)? {
                    return Ok(Some(i));
                }
                i += 1;
            }
            return Ok(None);
        }
        let h = match hash {
            Some(h) => h,
            None => key_hash(key)?,
        };
        'restart: loop {
            if self.index.is_null() {
                // A key's `__eq__` or `__hash__` cleared the map meanwhile.
                return self.find(key, Some(h));
            }
            let (index, index_cap) = (self.index, self.index_cap);
            let mask = index_cap - 1;
            let mut s = h & mask;
            loop {
                // SAFETY: s < index_cap, and the index is still this one (checked after
                // every call that could run Python code).
                let v = unsafe { *index.add(s) };
                if v == 0 {
                    return Ok(None);
                }
                let i = (v - 1) as usize;
                if let Some(e) = self.slots().get(i).copied() {
                    if !e.key.is_null() && e.hash == h {
                        let eq = keys_equal(e.key, key)?;
                        if self.index != index || self.index_cap != index_cap {
                            continue 'restart;
                        }
                        if eq {
                            return Ok(Some(i));
                        }
                    }
                }
                s = (s + 1) & mask;
            }
        }
    }

    pub fn get(&self, key: Value) -> PyResult<Option<Value>> {
        Ok(self
            .find(key, None)?
            .and_then(|i| self.slots().get(i))
            .map(|e| e.value))
    }

    /// Whether the name filter lets `q` be a key.
    #[inline(always)]
    fn may_hold(&self, q: Qstr) -> bool {
        let (w, bit) = qstr_bit(q);
        self.qstr_bits[w] & bit != 0
    }

    /// Lookup by interned name; cannot raise.
    #[inline]
    pub fn get_qstr(&self, q: Qstr) -> Option<Value> {
        if !self.may_hold(q) {
            return None;
        }
        let key = Value::qstr(q);
        if self.index.is_null() {
            for (i, e) in self.slots().iter().enumerate() {
                if e.key == key {
                    self.remember_position(q, i);
                    return Some(e.value);
                }
                if !e.key.is_qstr()
                    && !e.key.is_null()
                    && crate::objs::str::is_str(e.key)
                    && crate::objs::str::eq(e.key, key)
                {
                    return Some(e.value);
                }
            }
            return None;
        }
        self.find_qstr_indexed(q)
            .and_then(|i| self.slots().get(i))
            .map(|e| e.value)
    }

    /// The position of name `q` if the position cache knows it: the VM's first try for
    /// global and module-level names, a few instructions when it hits. `None` says
    /// nothing about the key's absence.
    #[inline(always)]
    fn cached_position(&self, q: Qstr) -> Option<usize> {
        let slot = position_cache_slot(self, q);
        // SAFETY: see `PositionCache`; the slot is in range by construction.
        let (m, cq, ci) = unsafe { *(*POSITION_CACHE.0.get()).as_ptr().add(slot) };
        let i = ci as usize;
        if m != self as *const Map as usize || cq != q.0 || i >= self.used {
            return None;
        }
        // SAFETY: i < used, and entries holds `used` entries (non-null when used > 0).
        let key = unsafe { (*self.entries.add(i)).key };
        (key == Value::qstr(q)).then_some(i)
    }

    /// `get_qstr` when the position cache knows the name, else `None` (maybe present).
    #[inline(always)]
    pub fn get_qstr_cached(&self, q: Qstr) -> Option<Value> {
        let i = self.cached_position(q)?;
        // SAFETY: cached_position checked i < used.
        Some(unsafe { (*self.entries.add(i)).value })
    }

    /// Replace the value of name `q` when the position cache knows it; false otherwise
    /// (then nothing was changed).
    #[inline(always)]
    pub fn replace_qstr_cached(&mut self, q: Qstr, value: Value) -> bool {
        let Some(i) = self.cached_position(q) else {
            return false;
        };
        self.changing();
        // SAFETY: cached_position checked i < used.
        unsafe { (*self.entries.add(i)).value = value };
        true
    }

    #[inline]
    fn remember_position(&self, q: Qstr, i: usize) {
        let slot = position_cache_slot(self, q);
        // SAFETY: see `PositionCache`.
        unsafe {
            *(*POSITION_CACHE.0.get()).as_mut_ptr().add(slot) =
                (self as *const Map as usize, q.0, i as u32);
        }
    }

    /// Probe the index for a qstr key. Unlike `find`, no comparison can run Python code
    /// (qstrs compare by identity, heap strs by content), so the probe needs no restart
    /// checks: this is the path of every global variable and large class or module lookup.
    #[inline]
    fn find_qstr_indexed(&self, q: Qstr) -> Option<usize> {
        let key = Value::qstr(q);
        let slot = position_cache_slot(self, q);
        // SAFETY: see `PositionCache`; the index is in range by construction.
        let (m, cq, ci) = unsafe { *(*POSITION_CACHE.0.get()).as_ptr().add(slot) };
        if m == self as *const Map as usize && cq == q.0 {
            if let Some(e) = self.slots().get(ci as usize) {
                if e.key == key {
                    return Some(ci as usize);
                }
            }
        }
        let r = self.find_qstr_probe(q);
        if let Some(i) = r {
            self.remember_position(q, i);
        }
        r
    }

    fn find_qstr_probe(&self, q: Qstr) -> Option<usize> {
        let key = Value::qstr(q);
        let h = q.hash() as usize;
        let mask = self.index_cap.wrapping_sub(1);
        let mut s = h & mask;
        for _ in 0..self.index_cap {
            // SAFETY: s <= mask < index_cap, and the index is non-null (checked by callers).
            let v = unsafe { *self.index.add(s) };
            if v == 0 {
                return None;
            }
            let i = (v - 1) as usize;
            if let Some(e) = self.slots().get(i) {
                if e.key == key
                    || (e.hash == h
                        && !e.key.is_qstr()
                        && !e.key.is_null()
                        && crate::objs::str::is_str(e.key)
                        && crate::objs::str::eq(e.key, key))
                {
                    return Some(i);
                }
            }
            s = (s + 1) & mask;
        }
        None
    }

    fn rebuild_index(&mut self, index_cap: usize) -> PyResult<()> {
        let idx = mem::alloc_array::<u32>(index_cap)?;
        let old = self.index;
        self.index = idx;
        self.index_cap = index_cap;
        let mask = index_cap - 1;
        for i in 0..self.used {
            // SAFETY: i < used.
            let e = unsafe { *self.entries.add(i) };
            if e.key.is_null() {
                continue;
            }
            let mut s = e.hash & mask;
            // SAFETY: s < index_cap and the index is at most half full.
            unsafe {
                while *idx.add(s) != 0 {
                    s = (s + 1) & mask;
                }
                *idx.add(s) = i as u32 + 1;
            }
        }
        if !old.is_null() {
            mem::free(old);
        }
        Ok(())
    }

    /// Make room for one more entry: compact deleted slots or grow.
    fn grow(&mut self) -> PyResult<()> {
        if self.len < self.used {
            // Compact in place, keeping order.
            let mut w = 0;
            for r in 0..self.used {
                // SAFETY: r, w < used.
                unsafe {
                    let e = *self.entries.add(r);
                    if !e.key.is_null() {
                        *self.entries.add(w) = e;
                        w += 1;
                    }
                }
            }
            self.used = w;
            if self.used < self.cap() {
                if !self.index.is_null() {
                    self.rebuild_index(self.index_cap)?;
                }
                return Ok(());
            }
        }
        let new_cap = (self.cap() * 2).max(4);
        self.entries = mem::realloc_array::<Entry>(self.entries, new_cap)?;
        self.cap = new_cap | (self.cap & WATCHED);
        if new_cap > LINEAR_MAX && !self.linear {
            let want = (new_cap * 2).next_power_of_two();
            if want != self.index_cap {
                self.rebuild_index(want)?;
            }
        }
        Ok(())
    }

    /// Insert or replace. Returns the previous value if the key was present.
    pub fn insert(&mut self, key: Value, value: Value) -> PyResult<Option<Value>> {
        self.changing();
        // Always hashed, even while small: unhashable keys must be rejected.
        let hash = if self.linear { 0 } else { key_hash(key)? };
        if let Some(i) = self.find(key, Some(hash))? {
            if let Some(e) = self.slots_mut().get_mut(i) {
                let old = e.value;
                e.value = value;
                return Ok(Some(old));
            }
        }
        self.push_new(key, value, hash)?;
        Ok(None)
    }

    /// Append an entry whose key is known to be absent.
    fn push_new(&mut self, key: Value, value: Value, hash: usize) -> PyResult<()> {
        if self.used == self.cap() {
            self.grow()?;
        }
        let i = self.used;
        // SAFETY: used < cap after grow.
        unsafe { *self.entries.add(i) = Entry { key, value, hash } };
        match key.as_qstr() {
            Some(q) => {
                let (w, bit) = qstr_bit(q);
                self.qstr_bits[w] |= bit;
            }
            None => self.qstr_bits = [!0; FILTER_WORDS],
        }
        self.used += 1;
        self.len += 1;
        if !self.index.is_null() {
            let mask = self.index_cap - 1;
            let mut s = hash & mask;
            // SAFETY: the index has free slots (kept at most half full by grow).
            unsafe {
                while *self.index.add(s) != 0 {
                    s = (s + 1) & mask;
                }
                *self.index.add(s) = i as u32 + 1;
            }
        }
        Ok(())
    }

    pub fn insert_qstr(&mut self, q: Qstr, value: Value) -> PyResult<()> {
        let key = Value::qstr(q);
        if !self.may_hold(q) {
            // The filter says the name is absent (no other kind of key was ever inserted
            // either): append without hashing or scanning.
            self.changing();
            return self.push_new(key, value, q.hash() as usize);
        }
        // Replacing an existing name: an attribute or global being updated.
        let found = if self.index.is_null() {
            let i = self.slots().iter().position(|e| e.key == key);
            if let Some(i) = i {
                self.remember_position(q, i);
            }
            i
        } else {
            self.find_qstr_indexed(q)
        };
        if let Some(i) = found {
            self.changing();
            if let Some(e) = self.slots_mut().get_mut(i) {
                e.value = value;
                return Ok(());
            }
        }
        self.insert(key, value).map(|_| ())
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: Value) -> PyResult<Option<Value>> {
        self.changing();
        let Some(i) = self.find(key, None)? else {
            return Ok(None);
        };
        let Some(e) = self.slots_mut().get_mut(i) else {
            return Ok(None);
        };
        let v = e.value;
        e.key = Value::NULL;
        e.value = Value::NULL;
        self.len -= 1;
        Ok(Some(v))
    }

    /// Remove and return the most recently inserted entry. Never allocates: with an index,
    /// the entry is only marked deleted (the index may still point at it).
    pub fn pop_last(&mut self) -> Option<(Value, Value)> {
        self.changing();
        let mut i = self.used;
        while i > 0 {
            i -= 1;
            // SAFETY: i < used <= cap.
            let e = unsafe { &mut *self.entries.add(i) };
            if !e.key.is_null() {
                let r = (e.key, e.value);
                e.key = Value::NULL;
                e.value = Value::NULL;
                self.len -= 1;
                if self.index.is_null() {
                    self.used = i;
                }
                return Some(r);
            }
        }
        None
    }

    pub fn clear(&mut self) {
        self.changing();
        self.entries = core::ptr::null_mut();
        self.index = core::ptr::null_mut();
        self.len = 0;
        self.used = 0;
        self.cap &= WATCHED;
        self.index_cap = 0;
        self.qstr_bits = [0; FILTER_WORDS];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    #[test]
    fn insert_find_remove_across_growth() {
        with_vm(|| {
            for start in [0usize, 3, 20, 100] {
                let mut m = Map::with_capacity(start).unwrap();
                for i in 0..300 {
                    assert_eq!(m.insert(int(i), int(i * 2)).unwrap(), None);
                }
                assert_eq!(m.insert(int(7), int(0)).unwrap(), Some(int(14)));
                for i in (0..300).step_by(3) {
                    assert!(m.remove(int(i)).unwrap().is_some());
                }
                assert_eq!(m.len(), 200);
                for i in 300..400 {
                    m.insert(int(i), int(i)).unwrap();
                }
                for i in 0..400isize {
                    let want = if i < 300 && i % 3 == 0 {
                        None
                    } else {
                        Some(())
                    };
                    assert_eq!(m.get(int(i)).unwrap().map(|_| ()), want, "key {i}");
                }
                // Order is insertion order.
                let keys: [Value; 3] = [int(1), int(2), int(4)];
                assert!(m.iter().map(|(k, _)| k).take(3).eq(keys.iter().copied()));
                assert_eq!(m.pop_last(), Some((int(399), int(399))));
                assert_eq!(m.get(int(399)).unwrap(), None);
                m.insert(int(399), int(1)).unwrap();
                assert_eq!(m.get(int(399)).unwrap(), Some(int(1)));
            }
        });
    }

    #[test]
    fn bools_are_the_ints_they_equal() {
        with_vm(|| {
            let mut m = Map::new();
            for i in 0..20 {
                m.insert(int(i), int(i)).unwrap();
            }
            assert_eq!(m.insert(Value::TRUE, int(-1)).unwrap(), Some(int(1)));
            assert_eq!(m.get(Value::FALSE).unwrap(), Some(int(0)));
            assert_eq!(m.len(), 20);
            let l = crate::objs::list::new(&[]).unwrap();
            assert!(m.insert(l, int(0)).is_err());
            assert!(m.get(l).is_err());
            assert_eq!(Map::new().get(l).unwrap(), None);
        });
    }

    #[test]
    fn qstr_filter_never_hides_a_key() {
        use crate::qstr::Q;
        with_vm(|| {
            let mut m = Map::new();
            assert_eq!(m.get_qstr(Q::x), None);
            m.insert_qstr(Q::x, int(1)).unwrap();
            assert_eq!(m.get_qstr(Q::x), Some(int(1)));
            assert_eq!(m.get_qstr(Q::__init__), None);
            // A str object equal to a name is found by that name.
            let s = crate::objs::str::new("__init__").unwrap();
            m.insert(s, int(2)).unwrap();
            assert_eq!(m.get_qstr(Q::__init__), Some(int(2)));
            m.clear();
            assert_eq!(m.get_qstr(Q::x), None);
            // Many names, past the linear limit: every one still found.
            let mut m = Map::new();
            let names = [Q::x, Q::y, Q::append, Q::keys, Q::items, Q::values, Q::pop];
            for (i, q) in names.iter().enumerate() {
                m.insert_qstr(*q, int(i as isize)).unwrap();
            }
            for j in 0..40 {
                m.insert(int(j), int(j)).unwrap();
            }
            for (i, q) in names.iter().enumerate() {
                assert_eq!(m.get_qstr(*q), Some(int(i as isize)));
            }
        });
    }
}
