import gc
gc.collect()
gc.disable()

class Resource:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  Resource.__del__({self.name})")

x = Resource('a')
y = x
print("del x")
del x
print("del y")
del y
z = Resource('b')
print("z = None")
z = None
print("end of the script")
