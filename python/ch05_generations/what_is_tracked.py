import gc

class A:
    pass

gc.collect()
gc.disable()

def row(what, obj):
    print(f"{what:<34}{gc.is_tracked(obj)}")

row("gc.is_tracked(1)", 1)
row("gc.is_tracked('text')", 'text')
row("gc.is_tracked([])", [])
row("gc.is_tracked(A())", A())
d = {}
row("d = {}", d)
d['a'] = 1
row("d['a'] = 1", d)
d['b'] = []
row("d['b'] = []", d)
d.clear()
row("d.clear()", d)
x = 1
t = (x, 'two')
row("t = (x, 'two')", t)
gc.collect()
row("gc.collect(): d", d)
row("gc.collect(): t", t)
