import ctypes, gc
gc.collect()
gc.disable()

def reference_count(address):
    return ctypes.c_ssize_t.from_address(address).value

class Something:
    def __init__(self):
        self.something_new = SomethingNew(self)

class SomethingNew:
    def __init__(self, something):
        self.something = something

def add_something(collection, i):
    collection.append(Something())

def clear_memory(collection):
    collection.clear()

collection = []
for i in range(3):
    add_something(collection, i)
first = id(collection[0])
first_new = id(collection[0].something_new)

def row(step):
    return f"{step:<28}{reference_count(first):>9}{reference_count(first_new):>14}"

print(f"{'step':<28}{'Something':>9}{'SomethingNew':>14}")
print(row("added to collection"))
clear_memory(collection)
print(row("collection cleared"))
print(f"gc.collect() = {gc.collect()}")
print(row("after gc.collect()"))
