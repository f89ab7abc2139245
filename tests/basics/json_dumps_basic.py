# json.dumps: the value kinds, nesting, escapes and separators
import json

for v in (None, True, False, 0, -12, 1.5, "", "abc", [], {}, (), [1, [2, [3]]], (1, "a")):
    print(json.dumps(v))
print(json.dumps({"a": 1, "b": [True, None]}))
print(json.dumps('q"b\\s\n\r\t\x01'))
print(json.dumps({"k": {"n": {}}}))
print(json.dumps([1, {"a": 2}], separators=(",", ":")))
print(json.dumps({"a": 1, "b": 2}, separators=(";", "=")))
print(json.dumps("é"[0:0] + "abc"))
