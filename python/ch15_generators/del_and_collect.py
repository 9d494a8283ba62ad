import gc
import tracemalloc

def process_large_data():
    """Process and clean up"""
    large_data = [i for i in range(100_000)]  # the seed has 10_000_000

    # Process data
    result = sum(large_data)
    before = tracemalloc.get_traced_memory()[0]

    # Delete large object
    del large_data
    after_del = tracemalloc.get_traced_memory()[0]

    # Force garbage collection
    found = gc.collect()
    after_collect = tracemalloc.get_traced_memory()[0]

    return result, before, after_del, found, after_collect

gc.collect()
tracemalloc.start()
result, before, after_del, found, after_collect = process_large_data()
tracemalloc.stop()
print(f"result: {result:,}")
print(f"traced before del:          {before / 1024:>5,.0f} KiB")
print(f"traced after del:           {after_del / 1024:>5,.0f} KiB")
print(f"gc.collect() found:         {found:>5} objects")
print(f"traced after gc.collect():  {after_collect / 1024:>5,.0f} KiB")
