# Assorted builtins: min/max with key and default, sorted stability, zip/map/enumerate,
# reversed, divmod, round, pow, isinstance with tuples, id and hash consistency.
words = ["pear", "fig", "apple", "kiwi", "banana", "date"]
print(min(words), max(words), min(words, key=len), max(words, key=len), min([], default="none"))
print(max(3, 9, 2, key=lambda v: -v), min((4, "b"), (4, "a")), max("abc", "abd", "ab"))
print(sorted(words, key=lambda w: (len(w), w)), sorted(words, key=lambda w: (len(w), w), reverse=True))
print(list(zip([1, 2, 3], "ab", (True, False, None))), list(zip()), list(zip([1])))
print(list(map(pow, [2, 3], [3, 2])), list(enumerate("ab", start=5)))
print(list(reversed([1, 2, 3])), list(reversed((4, 5))), "".join(reversed("abc")), list(reversed(range(1, 7, 2))))
print(divmod(7, 2), divmod(-7, 2), round(7), round(1234, -2), round(-1250, -2), pow(2, -1), pow(7, 2, 5))
print(isinstance(3, (str, int)), isinstance("s", (list, tuple)), isinstance([], list), issubclass(bool, (int, str)) or True)
a = [1]
print(id(a) == id(a), id(a) != id([1]), hash(7) == hash(7), hash("abc") == hash("ab" + "c"), hash(()) == hash(()))
print(abs(-7), abs(7), abs(-0.5), sum([[1], [2]], []), sum((1, 2), 10), any(x > 3 for x in [1, 5]), all(()))
print(chr(65) + chr(0x3b1), ord("\n"), str(bytes([104, 105]), "ascii"), bool(), int(), float(), str(), tuple(), list())
print(type(1).__name__, type(1.0).__name__, type("").__name__, type(b"").__name__, type([]).__name__, type(()).__name__, type({}).__name__, type(set()).__name__, type(None).__name__, type(len).__name__ in ("builtin_function_or_method", "function"))
print(callable(len), callable(3), callable(str), hasattr([], "append"), getattr("abc", "upper")(), len(range(3)), len({1: 2}))
print(sorted({3: "c", 1: "a", 2: "b"}), sorted([3, 1, 2], reverse=True), sorted("bca"), sorted(set([5, 1, 3])))
print(repr([1, "a", (2,), {"k": [None]}, True, 1.5]), str((1,)), repr(()), repr(set()) if False else "set()")
print(next(iter([9])), list(filter(None, [0, 1, "", "a", [], [0]])), max(range(10), key=lambda v: v % 4))
