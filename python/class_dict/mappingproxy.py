import gc
import sys

gc.disable()
gc.collect()


class P:
    pass


print(f"sys.getsizeof(P.__dict__) = {sys.getsizeof(P.__dict__)}")
print(f"type(P.__dict__).__name__ = {type(P.__dict__).__name__}")
print(f"P.__dict__ is P.__dict__: {P.__dict__ is P.__dict__}")
print(f"P.__dict__ == P.__dict__: {P.__dict__ == P.__dict__}")
print(f"id(P.__dict__) == id(P.__dict__): {id(P.__dict__) == id(P.__dict__)}")
print(f"hex(id(P.__dict__)) = {hex(id(P.__dict__))}")
print(f"hex(id(P.__dict__)) = {hex(id(P.__dict__))}")
a = P.__dict__
b = P.__dict__
print(f"a = P.__dict__; b = P.__dict__: {hex(id(a))} {hex(id(b))}")
del a, b
print(f"sys.getrefcount(P.__dict__) = {sys.getrefcount(P.__dict__)}")
d = P.__dict__
print(f"sys.getrefcount(d) = {sys.getrefcount(d)}")
print(f"gc.is_tracked(d) = {gc.is_tracked(d)}")
referents = gc.get_referents(d)
print(f"gc.get_referents(d): {len(referents)} object, a {type(referents[0]).__name__}")
cd = referents[0]
del referents
print(f"sys.getrefcount(cd) = {sys.getrefcount(cd)}")
del d
print(f"after del d: sys.getrefcount(cd) = {sys.getrefcount(cd)}")
print(f"len(P.__dict__) = {len(P.__dict__)}")
print(f"list(P.__dict__) = {list(P.__dict__)}")
print(f"'__doc__' in P.__dict__: {'__doc__' in P.__dict__}")
print(f"P.__dict__['__module__'] = {P.__dict__['__module__']!r}")
try:
    P.__dict__['x'] = 1
except TypeError as e:
    print(f"P.__dict__['x'] = 1 -> TypeError: {e}")
P.x = 1
print(f"after P.x = 1: P.__dict__['x'] = {P.__dict__['x']}")
print(repr(P.__dict__))


class Q:
    pass


Q.view = Q.__dict__
del Q
print(f"Q.view = Q.__dict__; del Q; gc.collect() = {gc.collect()}")
