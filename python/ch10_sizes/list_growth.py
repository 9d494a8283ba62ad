import sys

lst = []
empty = sys.getsizeof(lst)
previous = empty
print(f"len   0: {empty:4} bytes, room for  0")
for i in range(1, 101):
    lst.append(i)
    size = sys.getsizeof(lst)
    if size != previous:
        print(f"len {i:3}: {size:4} bytes, room for {(size - empty) // 8:2}")
        previous = size
