import gc
gc.collect()
gc.disable()

class MyObj:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  {self.name}.__del__: self.ref is {self.ref.name}, still whole")

obj1 = MyObj("obj1")
obj2 = MyObj("obj2")
obj1.ref = obj2
obj2.ref = obj1
del obj1
del obj2
print(f"gc.collect() = {gc.collect()}")
