my_list = [1, 2, 3]
before = id(my_list)
my_list.append(4)
after = id(my_list)
print(f"{my_list} same id after append: {before == after}")
my_list_1 = [1, 2, 3]
before = id(my_list_1)
my_list_1 = my_list_1 + [4]
after = id(my_list_1)
print(f"{my_list_1} same id after +: {before == after}")
