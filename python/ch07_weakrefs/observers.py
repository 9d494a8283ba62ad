from weakref import WeakSet

class Listener:
    def __init__(self, name):
        self.name = name
    def notify(self, event):
        print(f"  {self.name} got {event}")

observers = WeakSet()
a = Listener('a')
b = Listener('b')
observers.add(a)
observers.add(b)
observers.add(a)
print(f"added a, b, a: len(observers) = {len(observers)}")
del a
print(f"del a: len(observers) = {len(observers)}")
print("for o in observers: o.notify('saved')")
for o in observers:
    o.notify('saved')
del o, b
print(f"del o, b: len(observers) = {len(observers)}")
