import sys
x = 300
y = 300
print(f"one unit:  x is y = {x is y}, getrefcount(x) = {sys.getrefcount(x)}")
exec(compile("a = 300", "<cell 1>", "exec"))
exec(compile("b = 300", "<cell 2>", "exec"))
print(f"two cells: a is b = {a is b}, getrefcount(a) = {sys.getrefcount(a)}")
