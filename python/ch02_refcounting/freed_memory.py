import ctypes, gc
# No collection may run in between: it would free other blocks onto the free list first.
gc.collect()
gc.disable()
class Thing:
    pass

def listed(address):
    for o in gc.get_objects():
        if id(o) == address:
            return True
    return False

t = Thing()
address = id(t)
print(f"live: reference_count = {ctypes.c_ssize_t.from_address(address).value}, in gc.get_objects(): {listed(address)}")
del t
raw = ctypes.c_ssize_t.from_address(address).value
found = listed(address)
u = Thing()
reused = id(u) == address
print(f"freed: reference_count = {raw}, in gc.get_objects(): {found}")
print(f"next Thing() takes the same address: {reused}")
