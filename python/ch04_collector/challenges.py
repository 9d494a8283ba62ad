import gc

class A:
    pass

gc.collect()
gc.disable()

def report(n):
    print(f"{n}. gc.collect() = {gc.collect()}")

l = []; l.append(l); l.append(l); del l
report(1)
d = {}; t = (d,); l = [t]; d['l'] = l; del d, t, l
report(2)
a = A(); a.d = {'me': a}; del a
report(3)
def f(): pass
f.me = f; del f
report(4)
a = []; b = [a]; a.append(b); keep = (b,); del a, b
report(5)
