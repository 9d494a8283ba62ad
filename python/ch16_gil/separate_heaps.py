import multiprocessing

def worker(data, queue):
    data.append(4)   # the child's copy
    queue.put(data)  # pickled back to the parent

if __name__ == "__main__":
    data = [1, 2, 3]
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=worker, args=(data, queue))
    child.start()
    received = queue.get()
    child.join()
    print(f"child's list:    {received}")
    print(f"parent's list:   {data}")
    print(f"the same object: {received is data}")
    print(f"equal values:    {received == data + [4]}")
