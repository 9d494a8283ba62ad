class Point:
    __slots__ = ('x', 'y')

class PointTwo:
    pass

point = Point()
point.x = 5
point.y = 7
try:
    point.name = "something"
except AttributeError as e:
    print(f"AttributeError: {e}")
print(f"Point instances have a __dict__: {hasattr(point, '__dict__')}")

point = PointTwo()
point.x = 5
point.y = 5
point.name = "Some Name"  # fine: PointTwo has a __dict__
print(point.__dict__)
