import gc
gc.collect()
gc.disable()

old = []
old.append(old)
gc.collect()            # old survives: generation 2
young = []
young.append(young)
old.append(young)
del young
del old                 # both cycles are garbage now
n0 = gc.collect(0)
n1 = gc.collect(1)
n2 = gc.collect(2)
print(f"gc.collect(0) = {n0}")
print(f"gc.collect(1) = {n1}")
print(f"gc.collect(2) = {n2}")
