import tracemalloc

def get_numbers_list(n):
    """Returns list - loads all in memory"""
    return [i for i in range(n)]

def get_numbers_gen(n):
    """Returns generator - one at a time"""
    for i in range(n):
        yield i

def main():
    tracemalloc.start()
    total = sum(get_numbers_list(100_000))
    list_peak = tracemalloc.get_traced_memory()[1]

    tracemalloc.reset_peak()
    total = sum(get_numbers_gen(100_000))
    gen_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(f"sum(get_numbers_list(100_000)): peak {list_peak:,} bytes")
    print(f"sum(get_numbers_gen(100_000)):  peak under 1 KiB: {gen_peak < 1024}")
    print(f"total: {total:,}")

main()
