import gc
gc.collect()
gc.disable()
before = gc.get_stats()
a = []
b = [a]
a.append(b)
del a, b
gc.collect(0)           # finds the two lists
c = []
c.append(c)
del c
gc.collect(2)           # finds the third
after = gc.get_stats()
print(f"len(gc.get_stats()) = {len(after)}")
for g, (b, a) in enumerate(zip(before, after)):
    d = {key: a[key] - b[key] for key in a}
    print(f"generation {g}: collections +{d['collections']}, "
          f"collected +{d['collected']}, uncollectable +{d['uncollectable']}")
