freed = []

class Leaf:
    def __init__(self, n):
        self.n = n
    def __del__(self):
        freed.append(self.n)

class Node:
    def __init__(self, next, n):
        self.next = next
        self.leaf = Leaf(n)

head = None
for n in range(120):
    head = Node(head, n)
del head

# Runs of consecutive numbers, written first..last.
runs, i = [], 0
while i < len(freed):
    j = i
    step = freed[i + 1] - freed[i] if i + 1 < len(freed) else 0
    while abs(step) == 1 and j + 1 < len(freed) and freed[j + 1] - freed[j] == step:
        j += 1
    runs.append(str(freed[i]) if j == i else f"{freed[i]}..{freed[j]}")
    i = j + 1
print("leaves freed, in order:", ", ".join(runs))
