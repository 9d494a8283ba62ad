import gc
gc.collect()
gc.disable()

def report(what):
    print(f"{what:<42}{gc.collect():>2}")

l = []; l.append(l); del l
report("a list that contains itself")
a = []; b = [a]; a.append(b); del a, b
report("two lists that contain each other")
d = {}; d['self'] = d; del d
report("a dict that contains itself")
l = []; t = (l,); l.append(t); del l, t
report("a list and a tuple")
l = [1, 2.5, 'three', (4, 5)]; l.append(l); del l
report("a list of atoms that contains itself")

class A:
    pass

x = A(); x.me = x; del x
report("an instance that refers to itself")
x = A(); y = A(); x.other = y; y.other = x; del x, y
report("two instances")
x = A(); y = A(); x.other = y; y.other = x
x.__dict__; y.__dict__
del x, y
report("two instances, after asking for __dict__")
keep = []; keep.append(keep)
report("a cycle still bound to a global name")

class B:
    def f(self):
        pass

B.me = B; del B
report("a class with one method")

class C:
    pass

gc.collect()
del C
report("an empty class that survived a collection")
