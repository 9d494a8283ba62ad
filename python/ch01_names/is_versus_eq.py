unit = 10
customer_id = 10
print(f"unit is customer_id: {unit is customer_id}")
user_ids = [1, 2, 3]
data_rows = [1, 2, 3]
print(f"user_ids is data_rows: {user_ids is data_rows}")
print(f"user_ids == data_rows: {user_ids == data_rows}")
c = user_ids
print(f"user_ids is c: {user_ids is c}")
row_no = 90
age = 90.0
print(f"row_no is age: {row_no is age}, row_no == age: {row_no == age}")
