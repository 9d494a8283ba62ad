import gc
import weakref
gc.collect()
gc.disable()

survivors = []

class Phoenix:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  {self.name}.__del__: saving myself")
        survivors.append(self)

def gone(wr):
    print("  (weakref callback: the object is really freed)")

p = Phoenix('p')
r = weakref.ref(p, gone)
print("del p")
del p
print(f"r() is survivors[0]: {r() is survivors[0]}")
print("survivors.clear()")
survivors.clear()
print(f"r() is None: {r() is None}")

a = Phoenix('a')
b = Phoenix('b')
a.other = b
b.other = a
r = weakref.ref(a)
del a, b
print("a <-> b, names deleted")
print(f"gc.collect() = {gc.collect()}")
print(f"survivors: {survivors[0].name}, {survivors[1].name}")
print(f"r() is None: {r() is None}")
print("survivors.clear()")
survivors.clear()
print(f"gc.collect() = {gc.collect()}")
