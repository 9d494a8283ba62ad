import sys
import tracemalloc

# memory_profiler 0.61's @profile with backend='tracemalloc', written out so that this file
# runs on a bare python3: memory is the size of the live traced blocks allocated by the
# profiled function's lines, in MiB, and a line is charged with what memory did between
# its line event and the next (CodeMap.trace). Two simplifications, the same in the model:
# only the function's own frame is traced (memory_profiler also traces the comprehension's
# hidden function, once per item), and Line # counts from the listing's first line.
def profile(func):
    code = func.__code__
    first = code.co_firstlineno
    last = max(line for _, _, line in code.co_lines() if line is not None)
    measured = {}  # lineno -> [increment, mem usage, occurrences]
    state = {"prev": None, "current": first}

    def memory():
        total = 0
        for trace in tracemalloc.take_snapshot().traces:
            frame = trace.traceback[0]
            if frame.filename == code.co_filename and first <= frame.lineno <= last:
                total += trace.size
        return total / 2**20

    def charge(lineno):
        mem = memory()
        inc, usage, occurrences = measured.get(lineno, (0.0, 0.0, 0))
        before = measured[state["prev"]][1] if state["prev"] in measured else 0.0
        measured[lineno] = (inc + (mem - before), max(mem, usage), occurrences + 1)
        state["prev"] = lineno

    def local_trace(frame, event, arg):
        if event == "line":
            charge(state["current"])
            state["current"] = frame.f_lineno
        elif event == "return":
            charge(state["current"])
        return local_trace

    def global_trace(frame, event, arg):
        return local_trace if frame.f_code is code else None

    def show_results(source):
        template = "{0:>6} {1:>12} {2:>12}  {3:>10}   {4:<}"
        header = template.format("Line #", "Mem usage", "Increment", "Occurrences",
                                 "Line Contents")
        print("Filename: memory_profiler_report.py\n")
        print(header)
        print("=" * len(header))
        for i, text in enumerate(source, 1):
            if first + i - 1 in measured:
                inc, usage, occurrences = measured[first + i - 1]
                print(template.format(i, f"{usage:5.1f} MiB", f"{inc:5.1f} MiB",
                                      occurrences, text))
            else:
                print(template.format(i, "", "", "", text))

    def wrapper():
        tracemalloc.start()
        sys.settrace(global_trace)
        try:
            return func()
        finally:
            sys.settrace(None)
            tracemalloc.stop()
            with open(code.co_filename) as f:
                lines = f.read().splitlines()
            show_results(lines[first - 1:last])

    return wrapper


# ANCHOR: seed
@profile
def memory_intensive_function():
    """Profile memory usage line by line"""
    # Large list
    big_list = [i for i in range(10_000)]  # the seed has 1_000_000

    # Large dict
    big_dict = {i: i**2 for i in range(10_000)}

    # Process data
    result = sum(big_list)

    return result
# ANCHOR_END: seed

memory_intensive_function()
