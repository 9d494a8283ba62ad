def generate_numbers(n) :
    for i in range(n):
        yield i

for num in generate_numbers(10000000) :
    print(num)
    if num > 10 :
        break
