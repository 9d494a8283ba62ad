import gc
gc.disable()
log = []

def on_collect(phase, info):
    if phase == "start":
        log.append((info["generation"], i, gc.get_count()[2]))

gc.callbacks.append(on_collect)
i = 0
gc.freeze()             # what exists so far is out of the collector's sight
base = []
for _ in range(800):
    base.append([])     # 800 long-lived lists
keep = []
gc.collect()            # the long-lived total is now 802: base, its 800 lists and keep
first = len(log)
gc.set_threshold(10, 2, 2)
gc.enable()
for i in range(400):
    keep.append([])
gc.disable()
counts = gc.get_count()
for generation, n, c2 in log[first:]:
    if generation > 0:
        print(f"generation {generation} collection while making list {n + 1}, "
              f"gc.get_count()[2] = {c2}")
print(f"gc.get_count() = {counts}")
