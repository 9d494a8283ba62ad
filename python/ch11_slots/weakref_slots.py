import sys
import weakref


class Slotted:
    __slots__ = ('x', 'y')


class SlottedWeak:
    __slots__ = ('x', 'y', '__weakref__')


try:
    weakref.ref(Slotted())
except TypeError as e:
    print(f"weakref.ref(Slotted()) -> TypeError: {e}")
target = SlottedWeak()
r = weakref.ref(target)
print(f"weakref.ref(SlottedWeak()) works: {r() is target}")
print(f"sys.getsizeof(Slotted()) = {sys.getsizeof(Slotted())}")
print(f"sys.getsizeof(SlottedWeak()) = {sys.getsizeof(SlottedWeak())}")
