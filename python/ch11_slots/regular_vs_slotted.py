import sys


class RegularClass:
    """Regular class with __dict__"""

    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedClass:
    """Class with __slots__ (no __dict__)"""
    __slots__ = ['x', 'y']

    def __init__(self, x, y):
        self.x = x
        self.y = y


# Memory comparison
regular = RegularClass(1, 2)
slotted = SlottedClass(1, 2)

print(f"Regular: {sys.getsizeof(regular) + sys.getsizeof(regular.__dict__)} bytes")
print(f"Slotted: {sys.getsizeof(slotted)} bytes")  # Much smaller
print(f"sys.getsizeof(regular) = {sys.getsizeof(regular)}")
print(f"sys.getsizeof(regular.__dict__) = {sys.getsizeof(regular.__dict__)}")
