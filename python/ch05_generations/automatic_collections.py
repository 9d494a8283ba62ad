import gc
gc.disable()
log = []

def on_collect(phase, info):
    if phase == "start":
        log.append((info["generation"], i))

gc.callbacks.append(on_collect)
keep = []
i = 0
gc.collect()
first = len(log)
gc.enable()
for i in range(9000):
    keep.append([])
gc.disable()
counts = gc.get_count()
for generation, n in log[first:]:
    number = n + 1
    print(f"generation {generation} collection while making list number {number}")
print(f"gc.get_count() = {counts}")
