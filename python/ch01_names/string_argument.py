def greet(name):
    print(f"name location before concatenation:{hex(id(name))}")
    name = "Hello" + " " + name
    print(f"name location after concatenation:{hex(id(name))}")
    return name

u_name = "Steve"
print(f"u_name is located at {hex(id(u_name))}")
greeting = greet(u_name)
print(f"greeting: {greeting!r}, u_name still: {u_name!r}")
