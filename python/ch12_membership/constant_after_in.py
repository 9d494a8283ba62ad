namespace = {}


def shown(constant):
    """repr(constant), with a frozenset's items sorted (its own order follows the hashes)."""
    if type(constant) is frozenset:
        return "frozenset({" + ", ".join(sorted(map(repr, constant))) + "})"
    return repr(constant)


CELLS = [
    "found = 'e' in ['a', 'e', 'i', 'o', 'u']",
    "found = 'e' in {'a', 'e', 'i', 'o', 'u'}",
    "vowels = ['a', 'e', 'i', 'o', 'u']\nfound = 'e' in vowels",
    "vowels = {'a', 'e', 'i', 'o', 'u'}\nfound = 'e' in vowels",
]
for source in CELLS:
    code = compile(source, "<cell>", "exec")
    exec(code, namespace)
    folded = [shown(c) for c in code.co_consts if type(c) in (tuple, frozenset)]
    print(source.replace("\n", "; "))
    print(f"    found: {namespace['found']}; in co_consts: {', '.join(folded)}")
    if "vowels" in namespace:
        print(f"    vowels is a {type(namespace.pop('vowels')).__name__}")
