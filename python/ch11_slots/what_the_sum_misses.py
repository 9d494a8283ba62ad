import sys
import tracemalloc


class RegularClass:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedClass:
    __slots__ = ['x', 'y']

    def __init__(self, x, y):
        self.x = x
        self.y = y


regular = None
tracemalloc.start()
regular = RegularClass(1, 2)
allocated, _ = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(f"RegularClass(1, 2): sys.getsizeof says {sys.getsizeof(regular)}, tracemalloc saw {allocated}")
d = regular.__dict__
print(f"regular.__dict__ now exists: {sys.getsizeof(d)} bytes")
