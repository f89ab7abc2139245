# Which exception built-in operations raise (types only: messages differ by implementation).
five = 5
cases = [
    ("zero div int", lambda: 1 // 0),
    ("zero div float", lambda: 1.0 / 0),
    ("str + int", lambda: "a" + 1),
    ("int + str", lambda: 1 + "a"),
    ("list index", lambda: [][0]),
    ("tuple index", lambda: (1,)[5]),
    ("str index", lambda: "ab"[9]),
    ("dict key", lambda: {}["x"]),
    ("attribute", lambda: (1).nothing),
    ("int parse", lambda: int("x1")),
    ("call non-callable", lambda: five()),
    ("unhashable", lambda: {[]: 1}),
    ("next exhausted", lambda: next(iter([]))),
    ("name", lambda: undefined_name),
    ("list remove", lambda: [1].remove(2)),
    ("str index method", lambda: "abc".index("z")),
    ("unpack", lambda: [a for a, b in [(1, 2, 3)]]),
    ("compare", lambda: [] < 1),
    ("negative shift", lambda: 1 >> -1),
    ("subscript int", lambda: five[0]),
    ("iterate int", lambda: list(7)),
    ("chr range", lambda: chr(-1)),
    ("set pop", lambda: set().pop()),
    ("bytes item", lambda: bytes([300])),
    ("int too many args", lambda: int("1", 2, 3)),
    ("modulo zero", lambda: 5 % 0),
    ("float parse", lambda: float("1.2.3")),
    ("str mul float", lambda: "a" * 1.5),
]
for name, fn in cases:
    try:
        fn()
        print(name, "no exception")
    except Exception as e:
        print(name, type(e).__name__)
