import gc
import weakref
gc.collect()
gc.disable()

# Fix: Use weak references
class NonLeakyClass:
    """Fixed version with weak references"""
    _instances = []

    def __init__(self, name):
        self.name = name
        self.ref = None
        NonLeakyClass._instances.append(weakref.ref(self))

    @classmethod
    def get_instances(cls):
        """Get alive instances"""
        # Remove dead references
        cls._instances = [ref for ref in cls._instances if ref() is not None]
        return [ref() for ref in cls._instances]

def names(objs):
    return [o.name for o in objs]

obj1 = NonLeakyClass("obj1")
obj2 = NonLeakyClass("obj2")
obj1.ref = obj2
obj2.ref = obj1
print(f"get_instances(): {names(NonLeakyClass.get_instances())}")
del obj1
del obj2
print(f"del obj1, obj2: get_instances(): {names(NonLeakyClass.get_instances())}")
print(f"gc.collect() = {gc.collect()}")
print(f"get_instances(): {names(NonLeakyClass.get_instances())}")
print(f"len(NonLeakyClass._instances) = {len(NonLeakyClass._instances)}")
