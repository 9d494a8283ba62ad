from sys import intern

namespace = {"intern": intern}


def cell(source):
    """Compile and run source as its own unit, like one notebook cell."""
    exec(compile(source, "<cell>", "exec"), namespace)


# (a, b, how): "same cell" runs `a = ...` and `b = ...` as one unit, "two cells" as two
# units, and "run time" as one unit in which at least one side is built by running code.
ROWS = [
    ("small ints", None, None),
    ("256", "256", "two cells"),
    ("257", "257", "same cell"),
    ("257", "257", "two cells"),
    ("int('256')", "int('256')", "run time"),
    ("int('257')", "int('257')", "run time"),
    ("-5", "int('-5')", "run time"),
    ("-6", "int('-6')", "run time"),
    ("256", "a + 0", "run time"),
    ("257", "a + 0", "run time"),
    ("other constants", None, None),
    ("1.5", "1.5", "same cell"),
    ("1.5", "1.5", "two cells"),
    ("3.0", "1.5 + 1.5", "same cell"),
    ("0.0", "-0.0", "same cell"),
    ("1", "True", "same cell"),
    ("(1, 2)", "(1, 2)", "same cell"),
    ("(1, 2)", "(1, 2)", "two cells"),
    ("()", "()", "two cells"),
    ("(1, 2, 3)", "(1, 2) + (3,)", "same cell"),
    ("(1, 2)", "(a[0], 2)", "run time"),
    ("[1, 2]", "[1, 2]", "same cell"),
    ("(1, 2)", "tuple(a)", "run time"),
    ("str constants", None, None),
    ("'hello'", "'hello'", "two cells"),
    ("'hello world'", "'hello world'", "same cell"),
    ("'hello world'", "'hello world'", "two cells"),
    ("'hello_world'", "'hello_world'", "two cells"),
    ("'café'", "'café'", "two cells"),
    ("'a' * 20", "'aaaaaaaaaaaaaaaaaaaa'", "two cells"),
    ("'a' * 4096", "'a' * 4096", "two cells"),
    ("'a' * 4097", "'a' * 4097", "same cell"),
    ("'ab' + 'cd'", "'abcd'", "two cells"),
    ("'hello' + ' world'", "'hello world'", "same cell"),
    ("intern('hello world')", "intern('hello world')", "two cells"),
    ("intern('hello world')", "'hello world'", "two cells"),
    ("strings built at run time", None, None),
    ("'hello'", "''.join(['hel', 'lo'])", "run time"),
    ("'hello'", "intern(''.join(['hel', 'lo']))", "run time"),
    ("'hello'", "str('hel') + 'lo'", "run time"),
    ("'hello world'", "a + ''", "run time"),
    ("'12345'", "str(12345)", "run time"),
    ("str(12345)", "str(12345)", "run time"),
    ("'1000'", "f'{1000}'", "run time"),
    ("'hello world'", "f'{a}'", "run time"),
    ("'hello world'", "str(a)", "run time"),
    ("''", "''.join([])", "run time"),
    ("'g'", "list('ghi')[0]", "run time"),
    ("'a'", "list('abc')[0]", "run time"),
]

print(f"{'a':<23} {'b':<31} {'how':<9}  is     ==")
for a, b, how in ROWS:
    if b is None:
        print(f"# {a}")
        continue
    if how == "two cells":
        cell(f"a = {a}")
        cell(f"b = {b}")
    else:
        cell(f"a = {a}\nb = {b}")
    same = namespace["a"] is namespace["b"]
    equal = namespace["a"] == namespace["b"]
    print(f"{a:<23} {b:<31} {how:<9}  {same!s:<5}  {equal}")
