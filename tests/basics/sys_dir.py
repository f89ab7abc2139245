# dir(sys) lists the attributes sys computes on first use.
import sys
names = dir(sys)
for n in ("argv", "path", "modules", "version", "version_info", "implementation", "maxsize"):
    print(n, n in names, hasattr(sys, n))
