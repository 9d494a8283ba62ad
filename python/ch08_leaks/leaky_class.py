import gc
import weakref
gc.collect()
gc.disable()

# Find circular references
class LeakyClass:
    """Class with potential circular reference"""
    instances = []

    def __init__(self, name):
        self.name = name
        self.ref = None
        LeakyClass.instances.append(self)  # Keeps reference!

    def __repr__(self):
        return f"LeakyClass({self.name})"

obj1 = LeakyClass("obj1")
obj2 = LeakyClass("obj2")
obj1.ref = obj2
obj2.ref = obj1
del obj1
del obj2
print(f"Instances: {LeakyClass.instances}")
print(f"gc.collect() = {gc.collect()}")
garbage = gc.garbage
print(f"Garbage: {garbage}")
obj = LeakyClass.instances[0]
referrers = gc.get_referrers(obj)
print(f"Referrers: {len(referrers)}")
for r in referrers:
    if r is LeakyClass.instances:
        what = "LeakyClass.instances"
    elif r is globals():
        what = "the module's globals, for the name obj"
    else:
        what = repr(r)
    print(f"  {type(r).__name__}: {what}")
