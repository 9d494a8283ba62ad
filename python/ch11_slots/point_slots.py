class Point:
    __slots__ = ('x', 'y')


point = Point()
point.x = 5
point.y = 5
print(f"point.x = {point.x}, point.y = {point.y}")
try:
    point.name = "A name"
except AttributeError as e:
    print(f"point.name = 'A name' -> AttributeError: {e}")
try:
    point.__dict__
except AttributeError as e:
    print(f"point.__dict__ -> AttributeError: {e}")
other = Point()
try:
    other.x
except AttributeError as e:
    print(f"Point().x -> AttributeError: {e}")
