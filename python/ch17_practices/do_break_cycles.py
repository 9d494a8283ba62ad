import gc

class Node:
    def __init__(self, name):
        self.name = name
        self.next = None

    def __del__(self):
        print(f"  freed {self.name}")

gc.disable()  # prove that no collection is involved
node1 = Node("node1")
node2 = Node("node2")
node1.next = node2
node2.next = node1
print("break the cycle, then del:")
node1.next = None
del node1
del node2
print("done")
gc.enable()
