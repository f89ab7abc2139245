# os.urandom lengths, and the unix environment functions.
import os

for n in (0, 1, 7, 100):
    r = os.urandom(n)
    print(type(r), len(r))
try:
    os.urandom(-1)
except ValueError:
    print("ValueError")

print(os.getenv("_UPY_SURELY_UNSET_"), os.getenv("_UPY_SURELY_UNSET_", "dflt"))
os.putenv("_UPY_TEST_VAR_", "value")
print(os.getenv("_UPY_TEST_VAR_"))
os.unsetenv("_UPY_TEST_VAR_")
print(os.getenv("_UPY_TEST_VAR_"))
