import weakref

class Image:
    pass

cache = weakref.WeakValueDictionary()
logo = Image()
cache["logo"] = logo
print(f"while logo is used: len(cache) = {len(cache)}")
del logo
print(f"after del logo:     len(cache) = {len(cache)}")
