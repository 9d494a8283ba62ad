import ast
from sys import intern


def run_as_one_unit(source):
    """python3 script.py, or exec(compile(cell)): the whole text is one unit."""
    exec(compile(source, "<cell>", "exec"), globals())


def run_like_ipython(source):
    """IPython's run_ast_nodes: each top-level statement is compiled on its own."""
    for node in ast.parse(source).body:
        exec(compile(ast.Module([node], []), "<cell>", "exec"), globals())


SEED_75 = "greet_1 = 'hello, world!'\ngreet_2 = 'hello, world!'"
SEED_85 = (
    "greet_1 = intern('hello world')\n"
    "greet_2 = intern('hello world')\n"
    "greet_3 = 'hello world'"
)
SEED_003 = "a = 1000\nb = 1000"

run_as_one_unit(SEED_75)
print(f"seed [75] as one unit:            greet_1 is greet_2: {greet_1 is greet_2}")
run_like_ipython(SEED_75)
print(f"seed [75] statement by statement: greet_1 is greet_2: {greet_1 is greet_2}")
run_as_one_unit(SEED_85)
print(f"seed [85] as one unit:            greet_1 is greet_2: {greet_1 is greet_2}, greet_1 is greet_3: {greet_1 is greet_3}")
run_like_ipython(SEED_85)
print(f"seed [85] statement by statement: greet_1 is greet_2: {greet_1 is greet_2}, greet_1 is greet_3: {greet_1 is greet_3}")
run_as_one_unit(SEED_003)
print(f"seed 003 as one unit:             a is b: {a is b}")
run_like_ipython(SEED_003)
print(f"seed 003 statement by statement:  a is b: {a is b}")
