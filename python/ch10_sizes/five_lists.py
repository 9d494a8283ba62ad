import sys

literal = [1, 2, 3, 4, 5]
from_range = list(range(5))
comprehension = [i for i in range(5)]
appended = []
for i in range(5):
    appended.append(i)
repeated = [0] * 5
print(f"[1, 2, 3, 4, 5]        {sys.getsizeof(literal)}")
print(f"list(range(5))         {sys.getsizeof(from_range)}")
print(f"[i for i in range(5)]  {sys.getsizeof(comprehension)}")
print(f"5 x append             {sys.getsizeof(appended)}")
print(f"[0] * 5                {sys.getsizeof(repeated)}")
