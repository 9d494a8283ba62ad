import gc
gc.collect()
gc.disable()

class Node:
    def __init__(self, value):
        self.value = value
        self.next = None

node1 = Node(1)
node2 = Node(2)
node1.next = node2
node2.next = node1  # Circular!
del node1
del node2
print(f"cycle left to the collector: gc.collect() = {gc.collect()}")

node1 = Node(1)
node2 = Node(2)
node1.next = node2
node2.next = node1
node1.next = None  # Break cycle
node2.next = None
del node1
del node2
print(f"cycle broken by hand:        gc.collect() = {gc.collect()}")
