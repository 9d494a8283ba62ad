import sys

def numbers_list(n):
    return [i for i in range(n)]

def numbers_gen(n):
    for i in range(n):
        yield i

for n in (10, 1_000, 100_000):
    print(f"n = {n:>9,}: list {sys.getsizeof(numbers_list(n)):>9,} bytes, "
          f"generator {sys.getsizeof(numbers_gen(n))} bytes")
