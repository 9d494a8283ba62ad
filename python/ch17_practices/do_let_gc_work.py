import gc

class Node:
    def __init__(self):
        self.partner = None

def make_pairs(n):
    for _ in range(n):
        a = Node()
        b = Node()
        a.partner = b  # a cycle: refcounting alone never frees it
        b.partner = a

def nodes():
    return sum(1 for o in gc.get_objects() if type(o) is Node)

gc.collect()
gc.disable()
make_pairs(1000)
waiting = nodes()
gc.enable()
make_pairs(1000)
left = nodes()
print(f"gc disabled, after 1,000 pairs: {waiting} Nodes alive")
print(f"gc enabled, after 1,000 more:   {left} Nodes alive")
