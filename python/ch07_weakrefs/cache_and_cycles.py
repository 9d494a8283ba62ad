import gc
from weakref import WeakValueDictionary
gc.collect()
gc.disable()

class Node:
    def __init__(self, name):
        self.name = name

cache = WeakValueDictionary()
a = Node('a')
b = Node('b')
a.other = b
b.other = a
cache['a'] = a
del a, b
print(f"del a, b: len(cache) = {len(cache)}")
print(f"gc.collect() = {gc.collect()}")
print(f"len(cache) = {len(cache)}")
