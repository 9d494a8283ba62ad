user_id = 12
print(f"user_id:12 at {hex(id(user_id))}")
user_name = "Mike"
print(f"user_name:Mike at {hex(id(user_name))}")
also_mike = user_name
print(f"also_mike is user_name: {also_mike is user_name}")
