import sys

def get_numbers_gen(n):
    """Returns generator - one at a time"""
    for i in range(n):
        yield i

gen = get_numbers_gen(1_000)
for x in gen:
    if x == 300:
        break
print(f"x = {x}, sys.getrefcount(x) = {sys.getrefcount(x)}")
y = next(gen)
print(f"y = {y}, sys.getrefcount(x) = {sys.getrefcount(x)}")
