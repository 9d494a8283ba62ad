import gc
import weakref

class Parent:
    def __init__(self, child_class):
        self.child = child_class(self)

    def __del__(self):
        print("  Parent freed")

class Child:
    def __init__(self, parent):
        self.parent = parent  # strong: a cycle

class WeakChild:
    def __init__(self, parent):
        self.parent = weakref.ref(parent)  # weak: no cycle

gc.collect()
gc.disable()
print("strong back-reference, del p:")
p = Parent(Child)
del p
print("  (nothing yet)")
print(f"gc.collect() found {gc.collect()} objects")
print("weak back-reference, del p:")
p = Parent(WeakChild)
del p
print(f"gc.collect() found {gc.collect()} objects")
gc.enable()
