import gc
import tracemalloc

class MemoryIntensiveResource:
    """Resource that allocates memory"""

    def __init__(self):
        self.data = [i for i in range(100_000)]  # the seed has 1_000_000

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        # Clean up
        del self.data
        gc.collect()

    def process(self):
        return sum(self.data)

def main():
    tracemalloc.start()
    # Automatic cleanup
    with MemoryIntensiveResource() as resource:
        result = resource.process()
        inside = tracemalloc.get_traced_memory()[0]
    # Memory freed here
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    print(f"result: {result:,}")
    print(f"traced inside the with block: {inside / 2**20:.2f} MiB")
    print(f"traced after the with block:  {after / 2**20:.2f} MiB")
    print(f"resource still bound: {resource is not None}, has data: {hasattr(resource, 'data')}")

main()
