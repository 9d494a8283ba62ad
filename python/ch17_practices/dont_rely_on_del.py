import gc

class Connection:
    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        print(f"  __del__ closes {self.name}")

gc.collect()
gc.disable()
a = Connection("a")
b = Connection("b")
a.peer = b
b.peer = a
print("del a, b (in a cycle, collector off):")
del a, b
print("nothing closed yet; gc.collect():")
found = gc.collect()
print(f"gc.collect() found {found} objects")
gc.enable()
