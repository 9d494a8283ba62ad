def list_updater(container, value):
    print(f"container location before update:{hex(id(container))}")
    if value not in container:
        container.append(value)
        print(f"container location after update:{hex(id(container))}")

my_items = [21, 92, 43]
print(f"my_items is located at:{hex(id(my_items))}")
list_updater(my_items, 21)
list_updater(my_items, 22)
print(my_items)
