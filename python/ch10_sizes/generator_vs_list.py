import sys


def get_numbers_list(n):
    """Returns list - loads all in memory"""
    return [i for i in range(n)]


def get_numbers_gen(n):
    """Returns generator - one at a time"""
    for i in range(n):
        yield i


list_obj = get_numbers_list(1_000_000)
print(f"List size: {sys.getsizeof(list_obj) / 1024 / 1024:.2f} MB")

gen_obj = get_numbers_gen(1_000_000)
print(f"Generator size: {sys.getsizeof(gen_obj)} bytes")

print(f"list_obj: {sys.getsizeof(list_obj):,} bytes")
print(f"get_numbers_gen(10): {sys.getsizeof(get_numbers_gen(10))} bytes")
