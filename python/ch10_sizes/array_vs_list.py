import sys
from array import array

# List of integers
int_list = [i for i in range(1_000_000)]
print(f"List: {sys.getsizeof(int_list) / 1024 / 1024:.2f} MB")

# Array of integers
int_array = array('i', range(1_000_000))
print(f"Array: {sys.getsizeof(int_array) / 1024 / 1024:.2f} MB")

print(f"int_list:  {sys.getsizeof(int_list):,} bytes, {len(int_list):,} pointers")
ints = 0
for i in int_list:
    ints += sys.getsizeof(i)
print(f"its ints:  {ints:,} bytes more")
print(f"int_array: {sys.getsizeof(int_array):,} bytes, values included")
