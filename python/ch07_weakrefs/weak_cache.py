import sys
import weakref
from weakref import WeakValueDictionary

class Image:
    def __init__(self, key):
        self.key = key
        print(f"  loading {key}")

cache = WeakValueDictionary()

def load(key):
    image = cache.get(key)
    if image is None:
        image = Image(key)
        cache[key] = image
    return image

a = load('logo.png')
b = load('logo.png')
print(f"a is b: {a is b}, len(cache) = {len(cache)}")
print(f"sys.getrefcount(a) = {sys.getrefcount(a)}, weakref.getweakrefcount(a) = {weakref.getweakrefcount(a)}")
print("del a, b")
del a, b
print(f"len(cache) = {len(cache)}, 'logo.png' in cache: {'logo.png' in cache}")
c = load('logo.png')
print(f"len(cache) = {len(cache)}")
