import sys
import weakref

class Node:
    def __init__(self, value):
        self.value = value

node = Node(1)
print(f"sys.getrefcount(node) = {sys.getrefcount(node)}")
r = weakref.ref(node)
print(f"r = weakref.ref(node); sys.getrefcount(node) = {sys.getrefcount(node)}")
print(f"r() is node: {r() is node}, r().value = {r().value}")
print(f"weakref.getweakrefcount(node) = {weakref.getweakrefcount(node)}")
print(f"r = {r!r}")
print("del node")
del node
print(f"r() = {r()}")
print(f"r = {r!r}")
