import sys
import threading

shared = object()

def worker(out):
    for _ in range(10_000):
        out.append(shared)  # Py_INCREF(shared), under the GIL

lists = [[], [], [], []]
threads = [threading.Thread(target=worker, args=(out,)) for out in lists]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"references held by the lists: {sum(len(out) for out in lists)}")
print(f"sys.getrefcount(shared): {sys.getrefcount(shared)}")
