import gc
gc.collect()
gc.disable()

class MyObj:
    def __init__(self, name):
        self.name = name
        print(self.name)

    def __del__(self):
        print(self.name + " deleted")

obj1 = MyObj("Obj1")
obj2 = MyObj("obj2")
obj1.ref = obj2
obj2.ref = obj1
del obj1
del obj2
print("del obj1, obj2: no finalizer has run")
print(f"gc.collect() = {gc.collect()}")
