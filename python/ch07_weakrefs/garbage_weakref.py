import gc
import weakref
gc.collect()
gc.disable()

class Node:
    def __init__(self, name):
        self.name = name

def on_watch(wr):
    print("  on_watch(wr) called")

def on_outside(wr):
    print("  on_outside(wr) called")

a = Node('a')
b = Node('b')
a.other = b
b.other = a
# a.watch is inside the cycle; outside is a global name.
a.watch = weakref.ref(b, on_watch)
outside = weakref.ref(b, on_outside)
del a, b
print(f"gc.collect() = {gc.collect()}")
