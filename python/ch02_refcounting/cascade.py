class N:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        print(f"del {self.n!r}")

c = [N(1), N(2), N(3)]
print("del c  (a list)")
del c
t = (N(4), N(5))
print("del t  (a tuple)")
del t
d = {'a': N(6), 'b': N(7)}
print("del d  (a dict)")
del d
outer = [[N(8)], N(9)]
print("del outer  (a list holding a list)")
del outer
