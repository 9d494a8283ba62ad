import sys
import weakref

class Observer:
    pass

obs = Observer()
before = sys.getrefcount(obs)
ref = weakref.ref(obs)
print(f"sys.getrefcount(obs): {before} before weakref.ref(obs), {sys.getrefcount(obs)} after")
print(f"ref() is obs: {ref() is obs}")
del obs
print(f"after del obs, ref() is None: {ref() is None}")
