from sys import intern

a = 'x' * 1024  # folded by the compiler: a constant, interned (identifier characters)
b = ''.join(['x'] * 1024)  # built at run time: a new object
print(f"len(a) = {len(a)}, len(b) = {len(b)}")
print(f"a == b: {a == b}, a is b: {a is b}")
c = intern(b)
print(f"c = intern(b): c is a: {c is a}, c is b: {c is b}")
print(f"a in [b]: {a in [b]}, a in {{c}}: {a in {c}}")
