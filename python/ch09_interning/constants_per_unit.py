def cell(source):
    """Compile and run source as its own unit, like one notebook cell."""
    exec(compile(source, "<cell>", "exec"), globals())


a = 1000
b = 1000
print(f"a is b: {a is b}")


def f():
    return 1000


print(f"a is f(): {a is f()}")
c = 2.5
d = 2.5
t = (1, 'x y')
u = (1, 'x y')
print(f"c is d: {c is d}, t is u: {t is u}")
cell("e = 1000")
print(f"a is e (e = 1000 in another cell): {a is e}")
cell("def g():\n    return 1000")
print(f"a is g() (g defined in another cell): {a is g()}")
print(f"g() is g(): {g() is g()}")
