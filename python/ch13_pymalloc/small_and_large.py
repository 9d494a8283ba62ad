import sys


# Small objects use pymalloc
class SmallObject:
    """< 512 bytes, uses pymalloc"""
    def __init__(self):
        self.data = [0] * 10


# Large objects use system allocator
class LargeObject:
    """≥ 512 bytes, uses malloc"""
    def __init__(self):
        self.data = [0] * 1000


small = SmallObject()
large = LargeObject()

# Object size
print(f"Small: {sys.getsizeof(small)} bytes")
print(f"Large: {sys.getsizeof(large)} bytes")

empty = sys.getsizeof([])
for label, obj in (("small", small), ("large", large)):
    items = sys.getsizeof(obj.data) - empty
    where = "pymalloc" if items <= 512 else "malloc"
    print(f"{label}.data: list object {empty} bytes, items array {items} bytes ({where})")
