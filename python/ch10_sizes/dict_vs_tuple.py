import sys

print(f"dict():  {sys.getsizeof(dict())} bytes")
print(f"tuple(): {sys.getsizeof(tuple())} bytes")
point_dict = {"x": 5, "y": 7}
point_tuple = (5, 7)
print(f"{point_dict}: {sys.getsizeof(point_dict)} bytes")
print(f"{point_tuple}: {sys.getsizeof(point_tuple)} bytes")
