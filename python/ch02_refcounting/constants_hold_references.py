import sys
# Each exec(compile(...)) is one compilation unit, like one notebook cell.
exec(compile("x = 300\ny = 300", "<cell 1>", "exec"))
print(f"one cell:  x is y = {x is y}, getrefcount(x) = {sys.getrefcount(x)}")
exec(compile("a = 300", "<cell 2>", "exec"))
exec(compile("b = 300", "<cell 3>", "exec"))
print(f"two cells: a is b = {a is b}, getrefcount(a) = {sys.getrefcount(a)}")
