# the format-spec mini-language through str.format and format()
for spec in ("", "5", "<5", ">5", "^5", "*^7", "=+6", "+", " ", "-", "05", "#x", "#X", "#o", "#b",
             "x", "o", "b", "c", ",", "_", "_x", "010,", "08_b", "#010x", "#012_x", "d", "n", "+08,d"):
    print(repr(spec), repr(format(1234, spec)), repr(format(-56, spec)) if spec != "c" else "")
for spec in ("", "10", "<10", "^10", "*>10", ".2", "10.3", "s", ".0"):
    print(repr(spec), repr(format("hello", spec)))
for spec in ("", "f", ".2f", "10.3f", "<10.1f", "e", ".3E", "g", ".3g", "G", "%", ".1%", "+.2f",
             " .2f", "010.2f", ",.2f", "_.1f", ".3", "n", "F"):
    print(repr(spec), repr(format(12345.678, spec)), repr(format(-0.5, spec)), repr(format(1e-7, spec)))
for x in (float("inf"), float("-inf"), float("nan")):
    print(format(x, ""), format(x, "8.2f"), format(x, "+e"), format(x, "F"), format(x, "010"))
print(format(True, ""), format(True, "d"), format(False, "5"), format(7, "e"), format(2, ".1%"))
print(format(2**70, ","), format(-2**70, "x"), format(2**64, "#b")[-5:], format(10**20, "_"))
print(format(65, "c"), format(0x20ac, "c"), format(66, "^5c"))
