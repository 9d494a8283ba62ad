import gc
gc.collect()
gc.disable()

class N:
    def __init__(self, name):
        self.name = name
    def __repr__(self):
        return "N(" + self.name + ")"
    def __del__(self):
        print(f"  __del__ {self.name}")

gc.set_debug(gc.DEBUG_SAVEALL)
a = N('a')
b = N('b')
a.friends = [b]
b.friends = [a]
del a, b
print(f"gc.collect() = {gc.collect()}")
print(f"gc.garbage = {gc.garbage}")
print(f"gc.collect() again = {gc.collect()}")
gc.set_debug(0)
print("gc.set_debug(0); gc.garbage.clear()")
gc.garbage.clear()
print(f"gc.collect() = {gc.collect()}")
