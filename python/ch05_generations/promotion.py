import gc
gc.collect()
gc.disable()

def generation_of(obj):
    for g in range(3):
        if any(o is obj for o in gc.get_objects(g)):
            return g
    return "-"

def report(step):
    generation = generation_of(x)
    _, c1, c2 = gc.get_count()
    print(f"{step:<14} x in generation {generation}   gc.get_count()[1:] = ({c1}, {c2})")

x = []
report("x = []")
gc.collect(0)
report("gc.collect(0)")
gc.collect(1)
report("gc.collect(1)")
gc.collect(2)
report("gc.collect(2)")
