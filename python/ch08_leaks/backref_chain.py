import gc
gc.collect()
gc.disable()

class LeakyClass:
    """Class with potential circular reference"""
    instances = []

    def __init__(self, name):
        self.name = name
        self.ref = None
        LeakyClass.instances.append(self)  # Keeps reference!

    def __repr__(self):
        return f"LeakyClass({self.name})"

obj1 = LeakyClass("obj1")
obj2 = LeakyClass("obj2")
obj1.ref = obj2
obj2.ref = obj1
del obj1
del obj2

def find_backref_chain(obj, is_root, max_depth=20):
    """objgraph.find_backref_chain, without objgraph: breadth first over gc.get_referrers."""
    queue = [obj]
    depth = {id(obj): 0}
    parent = {id(obj): None}
    kept = []  # the referrer lists, kept alive so that their ids stay theirs
    # The search's own containers refer to the objects it visits: leave them out.
    ignore = {id(queue), id(depth), id(parent), id(kept)}
    while queue:
        target = queue.pop(0)
        if is_root(target):
            chain = [target]
            while parent[id(target)] is not None:
                target = parent[id(target)]
                chain.append(target)
            return chain
        if depth[id(target)] < max_depth:
            referrers = gc.get_referrers(target)
            kept.append(referrers)
            ignore.add(id(referrers))
            for source in referrers:
                if id(source) not in ignore and id(source) not in depth:
                    depth[id(source)] = depth[id(target)] + 1
                    parent[id(source)] = target
                    queue.append(source)
    return [obj]

def is_module_globals(o):
    return o is globals()

def reference_name(src, dst):
    """How src refers to dst, spelled as Python."""
    if isinstance(src, dict):
        for key, value in src.items():
            if value is dst:
                return f"[{key!r}]"
    if isinstance(src, (list, tuple)):
        for i, item in enumerate(src):
            if item is dst:
                return f"[{i}]"
    if isinstance(src, type) and isinstance(dst, dict):
        return ".__dict__"
    return "?"

chain = find_backref_chain(LeakyClass.instances[0], is_module_globals)
print(" -> ".join(type(o).__name__ for o in chain))
print("globals()" + "".join(reference_name(a, b) for a, b in zip(chain, chain[1:])))
