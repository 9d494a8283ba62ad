import gc
gc.collect()
gc.disable()

class N:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  __del__ {self.name}")

a = N('a')
b = N('b')
c = N('c')
a.next = b
b.next = c
c.next = a
del a, b
print(f"a -> b -> c -> a, only c named: gc.collect() = {gc.collect()}")
print("del c")
del c
print(f"gc.collect() = {gc.collect()}")
