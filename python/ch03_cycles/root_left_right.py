import ctypes, gc
gc.collect()
gc.disable()

class Node:
    def __init__(self, value):
        self.value = value

    def next(self, next):
        self.next = next

root = Node('root')
left = Node('left')
right = Node('right')
root.next(left)
left.next(right)
right.next(left)
root_id, left_id, right_id = id(root), id(left), id(right)

def count(address):
    if any(id(o) == address for o in gc.get_objects()):
        return str(ctypes.c_ssize_t.from_address(address).value)
    return "freed"

def line(step):
    r, l, g = count(root_id), count(left_id), count(right_id)
    return f"{step:<16} root: {r:<6} left: {l:<6} right: {g}"

print(line("built"))
del root
print(line("del root"))
del left
del right
print(line("del left, right"))
print(f"gc.collect() = {gc.collect()}")
print(line("collected"))
