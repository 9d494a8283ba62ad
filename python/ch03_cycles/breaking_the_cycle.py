import gc
gc.collect()
gc.disable()

class Something:
    def __init__(self):
        self.something_new = SomethingNew(self)

class SomethingNew:
    def __init__(self, something):
        self.something = something
    def __del__(self):
        print("SomethingNew freed")

collection = []
for i in range(3):
    collection.append(Something())
for s in collection:
    s.something_new.something = None
del s
print("collection.clear()")
collection.clear()
print(f"gc.collect() = {gc.collect()}")
