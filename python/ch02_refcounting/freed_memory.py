import ctypes, gc
# No collection may run in between: it would free other blocks onto the free lists first.
gc.collect()
gc.disable()
class Thing:
    pass

def listed(address):
    for o in gc.get_objects():
        if id(o) == address:
            return True
    return False

# Nothing may be allocated between del and the next Thing(): any allocation can take the block.
t = Thing()
address = id(t)
del t
u = Thing()
reused = id(u) == address

w = Thing()
address = id(w)
print(f"live: reference_count = {ctypes.c_ssize_t.from_address(address).value}, in gc.get_objects(): {listed(address)}")
del w
raw = ctypes.c_ssize_t.from_address(address).value
found = listed(address)
print(f"freed: reference_count = {raw}, in gc.get_objects(): {found}")
print(f"a Thing() made right after del t takes its address: {reused}")
