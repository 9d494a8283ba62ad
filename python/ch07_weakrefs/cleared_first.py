import gc
import weakref
gc.collect()
gc.disable()

class Watched:
    def __del__(self):
        print(f"  Watched.__del__: r() is self: {r() is self}")

print("freed by reference counting:")
w = Watched()
r = weakref.ref(w)
del w
print("freed by the collector:")
w = Watched()
w.me = w
r = weakref.ref(w)
del w
print(f"gc.collect() = {gc.collect()}")

class Peer:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  {self.name}.__del__: self.partner_ref() = {self.partner_ref()}, self.partner.name = {self.partner.name}")

print("a cycle of two peers:")
a = Peer('a')
b = Peer('b')
a.partner = b
b.partner = a
a.partner_ref = weakref.ref(b)
b.partner_ref = weakref.ref(a)
del a, b
print(f"gc.collect() = {gc.collect()}")
