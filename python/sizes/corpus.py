"""sys.getsizeof corpus for src/layout.rs: one `label<TAB>value` line per case.

Run under CPython 3.11 (64-bit Linux):  python3 -I python/sizes/corpus.py
The Rust test in src/layout.rs recomputes every label from struct layouts and
growth rules and compares.  Labels are `kind:arg:arg...`; each kind says which
mechanism built the object (literal, appends, constructor from an iterable...),
because in 3.11 the size of a list, dict, set or array depends on its history.
"""
import sys
import array
from sys import getsizeof as size

out = []


def emit(label, value):
    out.append(f"{label}\t{value}")


# --- version stamp (the Rust test skips everything if this is not 3.11)
emit("version", sys.version_info[0] * 100 + sys.version_info[1])

# --- int: 30-bit digits; 0 still has one allocated digit (3.11.2+, gh-100637)
for v in (0, 1, -1, 255, 2**30 - 1, 2**30, -(2**30), 2**60 - 1, 2**60, 2**90, -(2**100),
          2**126, -(2**127), 10**30):
    emit(f"int:{v}", size(v))
for bits in (200, 1000, 10000):
    emit(f"intbits:{bits}", size(1 << (bits - 1)))
emit("bool:True", size(True))
emit("bool:False", size(False))

# --- float, complex
emit("float", size(1.5))
emit("complex", size(1 + 2j))

# --- str: compact ASCII vs compact (kinds 1/2/4); built at run time
for n in (0, 1, 2, 7, 8, 100, 1000):
    emit(f"str:ascii:{n}", size("a" * n))
for n in (1, 2, 10):
    emit(f"str:latin1:{n}", size("\u00e9" * n))
    emit(f"str:ucs2:{n}", size("\u20ac" * n))
    emit(f"str:ucs4:{n}", size("\U0001F600" * n))
emit("str:mixed:a\u00e9", size("a" + "\u00e9"))
emit("str:mixed:a\u20ac\u00e9", size("a" + "\u20ac" + "\u00e9"))
emit("str:mixed:\u00e9\U0001F600", size("\u00e9" + "\U0001F600"))

# --- bytes
for n in (0, 1, 2, 10, 100):
    emit(f"bytes:{n}", size(bytes(n)))

# --- tuples
emit("tuple:0", size(()))
emit("tuple:0call", size(tuple()))
for n in range(1, 6):
    emit(f"tuple:{n}", size(tuple(range(n))))
emit("tuple:100", size(tuple(range(100))))

# --- lists
ns = locals()
a = 1
for n in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 30, 31, 32, 40, 100):
    # all-constant literal: BUILD_LIST 0; LOAD_CONST tuple; LIST_EXTEND (n > 2)
    emit(f"list_lit_const:{n}", size(eval("[" + "1, " * n + "]")))
    # display of names: BUILD_LIST n (n <= 30), BUILD_LIST 0 + LIST_APPEND (n > 30)
    emit(f"list_lit_var:{n}", size(eval("[" + "a, " * n + "]", ns)))
lst = []
emit("list_append:0", size(lst))
for i in range(1, 201):
    lst.append(i)
    emit(f"list_append:{i}", size(lst))
for n in (0, 1, 2, 3, 4, 5, 9, 10, 100, 1001):
    emit(f"list_range:{n}", size(list(range(n))))
    emit(f"list_tuple:{n}", size(list(tuple(range(n)))))
    emit(f"list_comp:{n}", size([i for i in range(n)]))
    emit(f"list_repeat:{n}", size([None] * n))
emit("list_range:1000000", size(list(range(1_000_000))))
emit("list_comp:1000000", size([i for i in range(1_000_000)]))

# --- dicts
emit("dict:empty_display", size({}))
emit("dict:empty_call", size(dict()))
for n in list(range(0, 13)) + [15, 16, 17, 20, 21, 22, 33, 34, 35, 40, 43, 86, 100, 1000]:
    d = {}
    for i in range(n):
        d[f"k{i}"] = i
    emit(f"dict_insert_str:{n}", size(d))
    d = {}
    for i in range(n):
        d[i] = i
    emit(f"dict_insert_int:{n}", size(d))
    emit(f"dict_lit_str:{n}", size(eval("{" + "".join(f"'k{i}': {i}, " for i in range(n)) + "}")))
    emit(f"dict_lit_int:{n}", size(eval("{" + "".join(f"{i}: {i}, " for i in range(n)) + "}")))
    emit(f"dict_comp_str:{n}", size({f"k{i}": i for i in range(n)}))
# a str-keyed dict meeting a non-str key converts to the general layout (insertdict)
for n in (1, 2, 3, 5, 6, 10):
    d = {f"k{i}": i for i in range(n)}
    d[0.5] = 0
    emit(f"dict_str_then_other:{n}", size(d))
# dict_merge presizes with estimate_log2_keysize(used + other.used): 1 + 20 = 21 hits the
# power-of-two quirk of calculate_log2_keysize's bit trick ((3*21+1)//2 == 32 -> 64 slots)
for m in (5, 6, 10, 20, 21, 30):
    d = {"x": 0}
    d.update({f"k{i}": i for i in range(m)})
    emit(f"dict_update_1_plus:{m}", size(d))
for m in (1, 5, 6, 10, 21, 22):
    src = {f"k{i}": i for i in range(m)}
    emit(f"dict_copy_ctor:{m}", size(dict(src)))

# --- instance dicts (3.11 split tables sharing the class's CACHED_KEYS)
# label inst_dict:<instances created>:<attributes stored on the last one>
for instances, attrs in ((1, 0), (1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (1, 5), (5, 5),
                         (10, 3), (29, 1), (30, 1), (40, 1), (1, 29), (1, 30), (2, 28), (2, 29)):
    C = type("C", (), {})
    objs = [C() for _ in range(instances)]
    last = objs[-1]
    for j in range(attrs):
        setattr(last, f"a{j}", j)
    emit(f"inst_dict:{instances}:{attrs}", size(last.__dict__))

# the first instance's dict reads the *current* shared keys: it shrinks as instances appear
for more, attrs in ((0, 1), (3, 1), (10, 2)):
    C = type("C", (), {})
    c = C()
    for j in range(attrs):
        setattr(c, f"a{j}", j)
    d = c.__dict__
    others = [C() for _ in range(more)]
    emit(f"inst_dict_first_after:{more}:{attrs}", size(d))

# list.extend on lists built by appends (list_resize(len + n))
for a0, b0 in ((0, 3), (1, 1), (4, 1), (4, 5), (8, 100), (17, 3), (100, 1000)):
    lst = [i for i in range(a0)]
    lst.extend(tuple(range(b0)))
    emit(f"list_extend:{a0}:{b0}", size(lst))
    lst = [i for i in range(a0)]
    lst.extend(range(b0))
    emit(f"list_extend:{a0}:{b0}", size(lst))

# --- sets and frozensets
s = set()
emit("set_add:0", size(s))
for i in range(1, 41):
    s.add(i)
    emit(f"set_add:{i}", size(s))
for n in list(range(0, 41)) + [100, 1000, 100000]:
    emit(f"set_range:{n}", size(set(range(n))))
    emit(f"frozenset_range:{n}", size(frozenset(range(n))))
    emit(f"set_copy:{n}", size(set(set(range(n)))))
    emit(f"set_comp:{n}", size({i for i in range(n)}))
    emit(f"set_dict:{n}", size(set(dict.fromkeys(range(n)))))
for n in range(0, 21):
    if n:
        emit(f"set_lit_const:{n}", size(eval("{" + "".join(f"{i}, " for i in range(n)) + "}")))
emit("frozenset:empty", size(frozenset()))

# --- range, object, instances
emit("range", size(range(10)))
emit("object", size(object()))


class Plain:
    pass


emit("instance:plain", size(Plain()))
for k in (0, 1, 2, 5):
    S = type(f"S{k}", (), {"__slots__": tuple(f"s{i}" for i in range(k))})
    emit(f"instance:slots:{k}", size(S()))
SW = type("SW", (), {"__slots__": ("a", "__weakref__")})
emit("instance:slots_weakref:1", size(SW()))
SD = type("SD", (), {"__slots__": ("a", "__dict__")})
emit("instance:slots_dict:1", size(SD()))
SDW = type("SDW", (), {"__slots__": ("a", "b", "__dict__", "__weakref__")})
emit("instance:slots_dict_weakref:2", size(SDW()))


# --- functions and generators
def f():
    pass


emit("function", size(f))
emit("function:lambda", size(lambda x: x))


def g_const():
    yield 1


def g_arg(a):
    yield a


def g_two(a, b):
    yield a
    yield b


def g_for(n):
    for i in range(n):
        yield i


def g_while(n):
    i = 0
    while i < n:
        yield i
        i += 1


def g_sum(a, b, c):
    x = a + b
    yield x
    yield c


def g_from():
    yield from range(3)


for gf in (g_const, g_arg, g_two, g_for, g_while, g_sum, g_from):
    c = gf.__code__
    gen = gf(*([1] * c.co_argcount))
    nlocalsplus = len(c.co_varnames) + len(c.co_cellvars) + len(c.co_freevars)
    emit(f"gen:{nlocalsplus}:{c.co_stacksize}", size(gen))

# --- array.array
for tc in "bBuhHiIlLqQfd":
    value = "x" if tc == "u" else 1
    arr = array.array(tc)
    emit(f"array_append:{tc}:0", size(arr))
    for i in range(1, 41):
        arr.append(value)
        if i in (1, 2, 4, 5, 8, 9, 16, 17, 25, 26, 40):
            emit(f"array_append:{tc}:{i}", size(arr))
    if tc != "u":
        for n in (0, 1, 5, 100):
            emit(f"array_range:{tc}:{n}", size(array.array(tc, range(n))))
            emit(f"array_list:{tc}:{n}", size(array.array(tc, list(range(n)))))
arr = array.array("i")
for i in range(1, 1001):
    arr.append(i)
    if i % 37 == 0 or i > 990:
        emit(f"array_append:i:{i}", size(arr))
emit("array_range:i:1000000", size(array.array("i", range(1_000_000))))
emit("array_list:i:1000000", size(array.array("i", list(range(1_000_000)))))

print("\n".join(out))
