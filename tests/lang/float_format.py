# Float formatting with %, str.format and f-strings.
print("%.3f" % 3.14159, "%e" % 12345.678, "%g" % 0.0001, "%5.2f|" % 3.14159, "%f" % 1.5)
print("{:.2f}".format(2.676), "{:10.3f}|".format(-1.5), "{:+.1f}".format(2.0), "{:08.3f}".format(3.14159))
print("{:f}".format(2.5), "{:e}".format(2.5), "{:g}".format(2.5), "{:5}|".format(2.5))
x = 3.14159
print(f"{x:.2f}", f"{x:8.3f}|", f"{-x:.1e}", f"{x:<8.2f}|")
print("%d" % 3.7, "%i" % -2.2, "%.0f" % 3.25, "%.1f" % 0.375)
