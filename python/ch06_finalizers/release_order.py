import gc
gc.collect()
gc.disable()

class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(f"  __del__ {self.name}")

class Holder:
    pass

first = Holder()
first.x = Noisy('first.x')
first.y = Noisy('first.y')
second = Holder()
second.y = Noisy('second.y')
second.x = Noisy('second.x')
print("del first")
del first
print("del second")
del second
