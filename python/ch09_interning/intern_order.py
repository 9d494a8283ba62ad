from sys import intern


def cell(source):
    """Compile and run source as its own unit, like one notebook cell."""
    exec(compile(source, "<cell>", "exec"), globals())


# The run-time string is interned first; the constant comes in a later cell.
cell("r1 = ''.join(['ham', 'jam'])\ni1 = intern(r1)")
cell("c1 = 'hamjam'")
print(f"constant in a later cell: i1 is r1: {i1 is r1}, c1 is r1: {c1 is r1}")

# The constant is in the same cell: the compiler interned it before the cell ran.
cell("r2 = ''.join(['spam', 'eggs'])\ni2 = intern(r2)\nc2 = 'spameggs'")
print(f"constant in the same cell: i2 is r2: {i2 is r2}, i2 is c2: {i2 is c2}")

# A name is interned when the cell is compiled, like a constant.
cell("r3 = ''.join(['ba', 'con'])\ni3 = intern(r3)\nbacon = 1")
print(f"name in the same cell: i3 is r3: {i3 is r3}")
