import tracemalloc

def report():
    rows = [i for i in range(10_000)]  # a local: freed when report() returns
    return len(rows)

tracemalloc.start()
count = report()
after_function = tracemalloc.get_traced_memory()[0]
rows = [i for i in range(10_000)]  # a global: lives until deleted
after_global = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
print(f"after report() returned: {after_function / 1024:,.0f} KiB traced")
print(f"with a global list:      {after_global / 1024:,.0f} KiB traced")
