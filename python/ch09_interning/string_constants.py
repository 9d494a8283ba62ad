def cell(source):
    """Compile and run source as its own unit, like one notebook cell."""
    exec(compile(source, "<cell>", "exec"), globals())


TEXTS = [
    'hello',
    'hello_world',
    '_this_is_a_long_string_that_could_be_used_as_an_Identifier',
    'HELLO_ALL_HOW_ARE_DOING',
    'hello world',
    'hello, world!',
]
for text in TEXTS:
    cell(f"greet_1 = {text!r}\ngreet_2 = {text!r}")
    one_cell = greet_1 is greet_2
    cell(f"greet_3 = {text!r}")
    print(f"{text!r:<61} one cell: {one_cell!s:<5}  two cells: {greet_1 is greet_3}")
