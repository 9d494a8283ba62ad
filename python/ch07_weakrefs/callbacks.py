import weakref

class Node:
    def __init__(self, value):
        self.value = value

def first(wr):
    print(f"  first(wr): wr is r1: {wr is r1}, wr() = {wr()}")

def second(wr):
    print(f"  second(wr): wr is r2: {wr is r2}, wr() = {wr()}")

def third(wr):
    print(f"  third(wr): wr is r3: {wr is r3}, wr() = {wr()}")

node = Node(1)
r1 = weakref.ref(node, first)
r2 = weakref.ref(node, second)
r3 = weakref.ref(node, third)
plain = weakref.ref(node)
print(f"plain is weakref.ref(node): {plain is weakref.ref(node)}, r1 is r2: {r1 is r2}")
print(f"weakref.getweakrefcount(node) = {weakref.getweakrefcount(node)}")
print("del r3")
del r3
print("del node")
del node
print("after del node")
