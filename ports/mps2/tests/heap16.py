# A small data-logger program, run by check_firmware.py on a 16 KiB GC heap: classes,
# closures, a generator, lists, dicts, sorting, exceptions and string formatting.
import gc


class Reading:
    def __init__(self, sensor, t, value):
        self.sensor = sensor
        self.t = t
        self.value = value

    def __repr__(self):
        return "Reading(%s, %d, %.1f)" % (self.sensor, self.t, self.value)


class Stats:
    def __init__(self):
        self.n = 0
        self.total = 0.0
        self.lo = None
        self.hi = None

    def add(self, v):
        self.n += 1
        self.total += v
        self.lo = v if self.lo is None else min(self.lo, v)
        self.hi = v if self.hi is None else max(self.hi, v)

    def mean(self):
        if not self.n:
            raise ValueError("no samples")
        return self.total / self.n


def samples(names, count):
    seed = 12345
    for t in range(count):
        for name in names:
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            yield Reading(name, t, 15 + (seed % 200) / 10)


def scaler(factor):
    return lambda v: round(v * factor, 2)


stats = {}
for r in samples(["temp", "humid", "press"], 60):
    stats.setdefault(r.sensor, Stats()).add(r.value)
to_f = scaler(1.8)
for name, s in sorted(stats.items(), key=lambda kv: (-kv[1].n, kv[0])):
    line = "{:6s} n={} mean={:.2f}".format(name, s.n, s.mean())
    print(line, "lo={} hi={} f={}".format(s.lo, s.hi, to_f(s.hi)))
try:
    Stats().mean()
except ValueError as e:
    print("error:", e)
top = sorted(samples(["x"], 20), key=lambda r: r.value)[-3:]
print(top, f"free={gc.mem_free() > 0}")
