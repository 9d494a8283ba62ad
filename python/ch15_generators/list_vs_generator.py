import sys
import tracemalloc

def get_numbers_list(n):
    """Returns list - loads all in memory"""
    return [i for i in range(n)]

def get_numbers_gen(n):
    """Returns generator - one at a time"""
    for i in range(n):
        yield i

# Memory difference
tracemalloc.start()
list_obj = get_numbers_list(1_000_000)
with_ints = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
print(f"List size: {sys.getsizeof(list_obj) / 1024 / 1024:.2f} MB")
print(f"List and its ints: {with_ints / 1024 / 1024:.2f} MB")

gen_obj = get_numbers_gen(1_000_000)
print(f"Generator size: {sys.getsizeof(gen_obj)} bytes")
