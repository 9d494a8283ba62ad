import gc
import sys
import weakref
gc.collect()
gc.disable()

class NodeWithWeak:
    def __init__(self, value):
        self.value = value
        self._next = None

    @property
    def next(self):
        """Get next node"""
        return self._next() if self._next else None

    @next.setter
    def next(self, node):
        """Set next node as weak reference"""
        self._next = weakref.ref(node) if node else None

node1 = NodeWithWeak(1)
node2 = NodeWithWeak(2)
node1.next = node2
node2.next = node1
print(f"node1.next.value = {node1.next.value}, node2.next.value = {node2.next.value}")
print(f"sys.getrefcount(node1) = {sys.getrefcount(node1)}")
del node1
print(f"del node1: node2.next = {node2.next}")
del node2
print(f"del node2: gc.collect() = {gc.collect()}")
