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


kept = []
obj = None
for n in range(1, 33):
    tracemalloc.start()
    obj = RegularClass(1, 2)
    regular, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept.append(obj)
    tracemalloc.start()
    obj = SlottedClass(1, 2)
    slotted, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept.append(obj)
    if n <= 3 or n >= 26:
        print(f"instance {n:2}: RegularClass {regular} bytes, SlottedClass {slotted} bytes")
