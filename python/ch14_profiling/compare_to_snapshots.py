import tracemalloc

def track_memory():
    """Track memory allocations"""
    # Start tracing
    tracemalloc.start()

    # Take snapshot before
    snapshot1 = tracemalloc.take_snapshot()

    # Code to profile
    data = [i for i in range(100_000)]  # the seed has 1_000_000

    # Take snapshot after
    snapshot2 = tracemalloc.take_snapshot()

    # Compare snapshots: this file's lines (not tracemalloc.py's, which made snapshot1)
    this_file = [tracemalloc.Filter(True, __file__)]
    snapshot1 = snapshot1.filter_traces(this_file)
    snapshot2 = snapshot2.filter_traces(this_file)
    top_stats = snapshot2.compare_to(snapshot1, 'lineno')

    # Stop tracing
    tracemalloc.stop()

    print("Top memory allocations:")
    for rank, stat in enumerate(top_stats[:5], 1):
        print(f"#{rank}: {str(stat).split(': ', 1)[1]}")

track_memory()
