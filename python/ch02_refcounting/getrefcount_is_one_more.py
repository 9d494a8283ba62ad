import sys, ctypes
customer_list = [1, 2, 3]
print(f"sys.getrefcount(customer_list) = {sys.getrefcount(customer_list)}")
address = id(customer_list)
print(f"reference_count(address) = {ctypes.c_ssize_t.from_address(address).value}")
dup_customer_list = customer_list
print(f"after dup_customer_list = customer_list: {ctypes.c_ssize_t.from_address(address).value}")
