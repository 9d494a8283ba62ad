import sys


def show(source, value):
    print(f"sys.getsizeof({source}) = {sys.getsizeof(value)}")


show("None", None)
show("True", True)
show("1", 1)
show("1000", 1000)
show("2 ** 30", 2**30)
show("2 ** 60", 2**60)
show("1.5", 1.5)
show("''", "")
show("'a'", "a")
show("'hello'", "hello")
show("'é'", "é")
show("'€'", "€")
show("()", ())
show("(1, 2, 3)", (1, 2, 3))
show("[]", [])
show("[1, 2, 3]", [1, 2, 3])
show("{}", {})
show("{'a': 1}", {"a": 1})
show("set()", set())
show("{1, 2, 3}", {1, 2, 3})
show("range(10)", range(10))
show("object()", object())
