a = [1]
first = id(a)
del a
b = [2]
second = id(b)
print(f"new list reuses the freed list's id: {first == second}")
