import gc

class Handler:
    pass

registry = {}

def subscribe(event):
    handler = Handler()
    registry[event] = handler  # forgotten here: the leak
    return handler

h = subscribe("click")
del h
found = [o for o in gc.get_objects() if type(o) is Handler]
print(f"Handlers still alive: {len(found)}")
leaked = found.pop()
holders = gc.get_referrers(leaked)
print(f"referrers: {len(holders)}, registry among them: {any(r is registry for r in holders)}")
