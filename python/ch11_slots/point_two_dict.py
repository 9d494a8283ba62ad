class PointTwo:
    pass


point = PointTwo()
point.x = 5
point.y = 5
point.name = "Some Name"  # Now this should not raise AttributeError
print(point.__dict__)
point.__dict__["z"] = 9
print(f"point.z = {point.z}")
