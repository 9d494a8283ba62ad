import tracemalloc

def without_del():
    for batch in range(3):
        data = [i for i in range(100_000)]
        total = sum(data)

def with_del():
    for batch in range(3):
        data = [i for i in range(100_000)]
        total = sum(data)
        del data

tracemalloc.start()
without_del()
peak_without = tracemalloc.get_traced_memory()[1]
tracemalloc.reset_peak()
with_del()
peak_with = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(f"peak without del: {peak_without / 2**20:.1f} MiB")
print(f"peak with del:    {peak_with / 2**20:.1f} MiB")
