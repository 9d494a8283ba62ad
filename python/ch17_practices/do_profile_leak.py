import tracemalloc

history = []  # grows forever: the leak

def handle_request(n):
    result = [i for i in range(n)]
    history.append(result)  # kept "for later"
    return len(result)

tracemalloc.start()
handle_request(1_000)
first = tracemalloc.take_snapshot()
for request in range(9):
    handle_request(1_000)
later = tracemalloc.take_snapshot()
tracemalloc.stop()

this_file = [tracemalloc.Filter(True, __file__)]
first = first.filter_traces(this_file)
later = later.filter_traces(this_file)
print("after 10 requests, compared with after 1, by line:")
for rank, stat in enumerate(later.compare_to(first, 'lineno')[:3], 1):
    print(f"#{rank}: {str(stat).split(': ', 1)[1]}")
