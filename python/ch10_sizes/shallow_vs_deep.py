import gc
import sys
import types


def deep_sizeof(obj):
    """sys.getsizeof of obj and of everything it references, each object once."""
    seen, stack, total = set(), [obj], 0
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, (type, types.FunctionType)):
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        stack.extend(gc.get_referents(o))
    return total


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


names = ["alice", "bob", "carol"]
matrix = [[1, 2, 3], [4, 5, 6]]
record = {"name": "alice", "scores": [90, 85, 77]}
p = Point(1.5, 2.5)
print(f"names   shallow {sys.getsizeof(names):4}  deep {deep_sizeof(names):4}")
print(f"matrix  shallow {sys.getsizeof(matrix):4}  deep {deep_sizeof(matrix):4}")
print(f"record  shallow {sys.getsizeof(record):4}  deep {deep_sizeof(record):4}")
print(f"p       shallow {sys.getsizeof(p):4}  deep {deep_sizeof(p):4}")
