import tracemalloc

def create_list() :
    return [i for i in range(10000)]

def main() :
    tracemalloc.start()

    create_list()  # as in the seed: the list is dropped, so freed at once
    dropped = tracemalloc.take_snapshot().statistics('lineno')

    data = create_list()  # keep it this time

    snapshot = tracemalloc.take_snapshot()
    snapshot = snapshot.filter_traces([tracemalloc.Filter(True, __file__)])
    top_stats = snapshot.statistics('lineno')
    tracemalloc.stop()

    print(f"lines holding memory after create_list(): {len(dropped)}")
    print("Top 10")
    for rank, stat in enumerate(top_stats[:10], 1):
        print(f"#{rank}: {str(stat).split(': ', 1)[1]}")

main()
