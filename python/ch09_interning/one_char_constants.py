def cell(source):
    """Compile and run source as its own unit, like one notebook cell."""
    exec(compile(source, "<cell>", "exec"), globals())


IDENTIFIER_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
not_the_singleton = []
for ch in IDENTIFIER_CHARS:
    cell(f"constant = {ch!r}")
    if constant is not list(constant)[0]:
        not_the_singleton.append(ch)
print(f"one-character constants that are not the latin-1 singleton: {len(not_the_singleton)} of {len(IDENTIFIER_CHARS)}")
print(''.join(not_the_singleton))
