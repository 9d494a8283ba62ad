import gc
gc.disable()
log = []

def on_collect(phase, info):
    if phase == "start":
        log.append(i)

gc.callbacks.append(on_collect)
keep = []
i = 0
gc.collect()
first = len(log)
t0, t1, t2 = gc.get_threshold()
gc.set_threshold(5)
gc.enable()
for i in range(20):
    keep.append([])
n5 = len(log)
gc.set_threshold(0)
for i in range(2000):
    keep.append([])
with_0 = len(log) - n5
gc.set_threshold(t0, t1, t2)
n0, _, _ = gc.get_count()
with_5 = [str(n + 1) for n in log[first:n5]]
print(f"threshold 5: collections while making lists {', '.join(with_5)}")
print(f"threshold 0: {with_0} collections in 2000 lists; gc.get_count()[0] = {n0}")
