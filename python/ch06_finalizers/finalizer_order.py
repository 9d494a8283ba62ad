import gc
gc.collect()
gc.disable()

class N:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  __del__ {self.name}")

print("a, b created in that order; a <-> b")
a = N('a')
b = N('b')
a.other = b
b.other = a
del a, b
print(f"gc.collect() = {gc.collect()}")

print("b, a created in that order; a <-> b")
b = N('b')
a = N('a')
a.other = b
b.other = a
del a, b
print(f"gc.collect() = {gc.collect()}")

print("c, b, a created in that order; a -> b -> c -> a")
c = N('c')
b = N('b')
a = N('a')
a.next = b
b.next = c
c.next = a
del a, b, c
print(f"gc.collect() = {gc.collect()}")
