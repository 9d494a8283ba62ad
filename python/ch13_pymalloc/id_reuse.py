class Thing:
    pass


t = Thing()
address = id(t)
del t
u = Thing()
print(f"a new Thing gets the freed Thing's address: {id(u) == address}")

v = Thing()
address = id(v)
del v
s = "".join(("abcde", "fghij"))  # 10 characters: 59 bytes, a 64-byte block
print(f"a 10-character str gets its block: {id(s) == address - 32}")

w = Thing()
address = id(w)
del w
s2 = "".join(("abcde", "fghij", "klmno", "pqrst"))  # 20 characters: 69 bytes, an 80-byte block
print(f"a 20-character str gets its block: {id(s2) == address - 32}")
u2 = Thing()
print(f"the next Thing does: {id(u2) == address}")
