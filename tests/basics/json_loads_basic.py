# json.loads: the value kinds, nesting, escapes, whitespace and errors
import json

for s in ("null", "true", "false", "0", "-12", "1.5", "2e3", '""', '"abc"', "[]", "{}",
          " [1, [2, [3]]] ", '{"a": 1, "b": [true, null]}', '"\\n\\t\\"\\\\\\/"',
          '"\\u0041\\u00e9"', "\n{ \"k\" : { \"n\" : { } } }\n"):
    print(repr(json.loads(s)))
print(json.loads(b"[1, 2]"), json.loads(bytearray(b'{"x": 0}')))

for s in ("", "[", "nul", "[1, 2", '"abc', "]", "1 2", "@", "{"):
    try:
        json.loads(s)
        print("no error", s)
    except ValueError:
        print("ValueError")
