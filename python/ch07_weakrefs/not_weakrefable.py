import weakref

class Point:
    __slots__ = ('x', 'y')

class WeakPoint:
    __slots__ = ('x', 'y', '__weakref__')

for value in [1, 'text', (1, 2), [1, 2], {}, Point()]:
    try:
        weakref.ref(value)
        print("ok")
    except TypeError as e:
        print(f"TypeError: {e}")
r = weakref.ref(WeakPoint())
print(f"weakref.ref(WeakPoint()) works; r() is None: {r() is None}")
