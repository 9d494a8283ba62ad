import gc
gc.collect()
gc.disable()

class Request:
    log = []

    def __init__(self, path):
        self.path = path
        Request.log.append(self)

def handle(path):
    request = Request(path)
    return len(request.path)

def count(cls):
    return sum(1 for o in gc.get_objects() if isinstance(o, cls))

for step in range(3):
    handle(f"/page/{step}")
    print(f"requests handled: {step + 1}, Request objects alive: {count(Request)}")
Request.log.clear()
print(f"Request.log.clear(): Request objects alive: {count(Request)}")
