import tracemalloc

def create_list() :
    return [i for i in range(10000)]

def main() :
    tracemalloc.start()
    data = create_list()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"get_traced_memory() = {(current, peak)}")
    print(f"peak - current = {peak - current} bytes")

main()
