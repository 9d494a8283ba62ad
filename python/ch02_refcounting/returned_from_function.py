import sys, gc
def create_list():
    temp = [1, 2, 3]
    print(f"inside create_list: getrefcount(temp) = {sys.getrefcount(temp)}")
    return temp

result = create_list()
print(f"result = create_list(): getrefcount(result) = {sys.getrefcount(result)}")
address = id(result)
del result
alive = any(id(o) == address for o in gc.get_objects())
print(f"del result: still listed by gc.get_objects(): {alive}")
