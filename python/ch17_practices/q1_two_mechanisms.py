import gc

class Item:
    def __del__(self):
        print("  an Item is freed")

gc.collect()
print("reference counting: del x")
x = Item()
del x
print("a cycle: del y")
y = Item()
y.me = y
del y
print("  (still alive)")
print(f"the collector: gc.collect() = {gc.collect()}")
print(f"thresholds (gen 0, 1, 2): {gc.get_threshold()}")
