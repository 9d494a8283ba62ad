import sys
x = [1, 2, 3]
print(f"x = [1, 2, 3]     getrefcount(x) = {sys.getrefcount(x)}")
y = x
print(f"y = x             getrefcount(x) = {sys.getrefcount(x)}")
del y
print(f"del y             getrefcount(x) = {sys.getrefcount(x)}")
a = []
print(f"a = []            getrefcount(a) = {sys.getrefcount(a)}")
holder = [a, a]
print(f"holder = [a, a]   getrefcount(a) = {sys.getrefcount(a)}")
holder.clear()
print(f"holder.clear()    getrefcount(a) = {sys.getrefcount(a)}")
