import gc
gc.collect()
gc.disable()
gc.collect(0)           # gc.get_count() is now (0, 1, 0)
a = []
b = [a]
a.append(b)
a_id = id(a)
del a, b                # a cycle: garbage
gc.freeze()
counts = gc.get_count()
frozen = gc.get_freeze_count() > 0
listed = any(id(o) == a_id for o in gc.get_objects())
generations = [g for g in range(3) if any(id(o) == a_id for o in gc.get_objects(g))]
generation = generations[0] if generations else "none of 0, 1, 2"
found = gc.collect()
print(f"gc.freeze(): gc.get_freeze_count() > 0: {frozen}")
print(f"the cycle is in gc.get_objects(): {listed}, in generation {generation}")
print(f"gc.get_count() = {counts}")
print(f"gc.collect() = {found}")
gc.unfreeze()
found = gc.collect()
print(f"gc.unfreeze(); gc.collect() = {found}")
