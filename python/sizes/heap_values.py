# The twin of tests/sizes_vs_cpython.rs: the same values, built the same way, one
# `label<TAB>sys.getsizeof(value)` line each. Run as a script (python3 -s -P).
import sys
import weakref
from array import array


def show(label, value):
    print(f"{label}\t{sys.getsizeof(value)}")


# --- singletons, numbers, strings
show("None", None)
show("True", True)
show("False", False)
for v in (0, 1, 255, 257, -5, 1000, 2**30, 2**60, 2**100, -(2**64)):
    show(f"int {v}", v)
show("float 1.5", 1.5)
show("float 0.0", 0.0)
for t in ("", "a", "hello", "hello world!", "é", "café", "€uro", "😀", "ab" * 30):
    show(f"str {t!r}", t)
show("str join", "".join(("abc", "def")))

# --- tuples
show("tuple ()", ())
show("tuple (1,)", (1,))
show("tuple (1, 2, 3)", (1, 2, 3))
show("tuple(range(10))", tuple(range(10)))

# --- lists
a, b, c = 1000, 2000, 3000
show("list []", [])
show("list [1]", [1])
show("list [1, 2]", [1, 2])
show("list [1, 2, 3]", [1, 2, 3])
show("list [1, 2, 3, 4, 5]", [1, 2, 3, 4, 5])
show("list [a, b, c]", [a, b, c])
show("list [a]*31 names", [a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a])
show("list(range(5))", list(range(5)))
show("list(range(0))", list(range(0)))
show("list((1, 2, 3))", list((1, 2, 3)))


def gen(n):
    for i in range(n):
        yield i


show("list(gen(3))", list(gen(3)))
show("list(gen(20))", list(gen(20)))
show("[0] * 10", [0] * 10)
show("[1, 2] + [3]", [1, 2] + [3])
show("[i for i in range(10)]", [i for i in range(10)])
show("[i for i in range(100)]", [i for i in range(100)])
lst = [1, 2, 3, 4, 5, 6, 7, 8, 9]
lst.pop()
lst.pop()
lst.pop()
lst.pop()
lst.pop()
show("list 9 then 5 pops", lst)
lst.extend((1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
show("list then extend 10", lst)
lst.clear()
show("list cleared", lst)
lst.extend([1, 2, 3])
show("list cleared then extend 3", lst)

# --- dicts
show("dict {}", {})
show("dict()", dict())
show("dict {'a': 1}", {"a": 1})
show("dict 6 str keys", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6})
show("dict 6 int keys", {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6})
show("dict 20 str keys display", {"k0": 0, "k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k10": 10, "k11": 11, "k12": 12, "k13": 13, "k14": 14, "k15": 15, "k16": 16, "k17": 17, "k18": 18, "k19": 19})
show("{i: i for i in range(10)}", {i: i for i in range(10)})
d = {}
for i in range(20):
    d[f"k{i}"] = i
    if i in (0, 5, 10, 19):
        show(f"dict str inserts {i + 1}", d)
d[1] = 1
show("dict 20 str then an int key", d)
del d["k0"]
del d["k1"]
show("dict after 2 deletions", d)
d.clear()
show("dict cleared", d)
e = {}
for i in range(11):
    e[i + 1000] = i
show("dict 11 int inserts", e)

# --- sets
show("set()", set())
show("set {a, b}", {a, b})
show("set {1, 2, 3, 4, 5}", {1, 2, 3, 4, 5})
show("set([1, 2, 3, 4, 5])", set([1, 2, 3, 4, 5]))
show("set(range(100))", set(range(100)))
show("frozenset(range(10))", frozenset(range(10)))
show("set({1, 2, 3, 4, 5})", set({1, 2, 3, 4, 5}))
show("set of a dict", set({1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}))
s = set()
for i in range(20):
    s.add(i + 1000)
    if i in (3, 4, 18, 19):
        show(f"set adds {i + 1}", s)

# --- other objects
show("range(10)", range(10))
show("object()", object())


class Regular:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return self.x


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedWeak:
    __slots__ = ("x", "y", "__weakref__")


class Wide:
    pass


r = Regular(1, 2)
show("Regular instance", r)
show("Regular instance __dict__", r.__dict__)
r2 = Regular(3, 4)
r3 = Regular(5, 6)
show("first __dict__ after 2 more instances", r.__dict__)
show("third instance __dict__", r3.__dict__)
show("Slotted instance", Slotted(1, 2))
show("SlottedWeak instance", SlottedWeak())
w = Wide()
for i in range(31):
    setattr(w, f"a{i}", i)
show("31 attributes: __dict__", w.__dict__)
show("class Regular", Regular)
show("class Slotted", Slotted)
show("Regular.__dict__", Regular.__dict__)
show("bound method", r.norm)
show("weakref", weakref.ref(r))
show("builtin len", len)


def f():
    pass


show("function", f)
show("generator", gen(10))
show("generator of 1,000,000", gen(1_000_000))

# --- arrays
show("array('i')", array("i"))
show("array('i', [1, 2, 3])", array("i", [1, 2, 3]))
show("array('d', (1.5, 2.5))", array("d", (1.5, 2.5)))
show("array('i', range(10))", array("i", range(10)))
show("array('b', range(100))", array("b", range(100)))
show("array('q', range(1000))", array("q", range(1000)))
show("array('i', gen(5))", array("i", gen(5)))
arr = array("i")
for i in range(40):
    arr.append(i)
    if i in (0, 4, 16, 39):
        show(f"array appends {i + 1}", arr)

# --- a list after each of 200 appends
grow = []
for i in range(200):
    grow.append(i)
    show(f"list appends {i + 1}", grow)
