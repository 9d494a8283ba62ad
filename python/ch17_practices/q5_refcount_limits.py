import gc
import sys

def count_inside(obj):
    return sys.getrefcount(obj)

data = []
print(f"every object carries a count: sys.getsizeof(object()) = {sys.getsizeof(object())}")
print(f"sys.getrefcount(data) = {sys.getrefcount(data)}, inside a call = {count_inside(data)}")
gc.collect()
cycle = []
cycle.append(cycle)
del cycle
print(f"a list that contains itself, after del: gc.collect() = {gc.collect()}")
