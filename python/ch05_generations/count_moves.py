import gc

class A:
    pass

gc.collect()
gc.disable()
c0 = gc.get_count()[0]
c1 = gc.get_count()[0]
c2 = gc.get_count()[0]
x = []
c3 = gc.get_count()[0]
y = [x]
c4 = gc.get_count()[0]
n = 10 * 30
text = 'a' * n
c5 = gc.get_count()[0]
t = (x, y)
c6 = gc.get_count()[0]
del t
c7 = gc.get_count()[0]
t = (y, x)
c8 = gc.get_count()[0]
a = A()
c9 = gc.get_count()[0]
del a
c10 = gc.get_count()[0]
for i in range(1000):
    z = []
c11 = gc.get_count()[0]

rows = [
    ("gc.collect()", c0),
    ("gc.get_count()", c1),
    ("gc.get_count()", c2),
    ("x = []", c3),
    ("y = [x]", c4),
    ("n = 10 * 30; text = 'a' * n", c5),
    ("t = (x, y)", c6),
    ("del t", c7),
    ("t = (y, x)", c8),
    ("a = A()", c9),
    ("del a", c10),
    ("for i in range(1000): z = []", c11),
]
for statement, c in rows:
    print(f"{statement:<30}{c:>3}")
