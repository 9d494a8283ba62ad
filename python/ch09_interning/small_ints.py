high = 257
low = 256
current = 256
print(f"stocks high @ {hex(id(high))}")
print(f"stocks low @ {hex(id(low))}")
print(f"stocks current @ {hex(id(current))}")
print(f"low is current: {low is current}")
print(f"int('256') is int('256'): {int('256') is int('256')}")
print(f"int('257') is int('257'): {int('257') is int('257')}")
print(f"int('-5') is int('-5'): {int('-5') is int('-5')}")
print(f"int('-6') is int('-6'): {int('-6') is int('-6')}")
x = 200
print(f"x + 56 is low: {x + 56 is low}")
print(f"x + 57 is high: {x + 57 is high}, x + 57 == high: {x + 57 == high}")
