import ctypes, gc
gc.collect()
gc.disable()

def reference_count(address):
    return ctypes.c_ssize_t.from_address(address).value

def obj_availabilty(obj_id):
    for obj in gc.get_objects():
        if id(obj) == obj_id:
            return "Object exists!"
    return "Not Found!"

class User:
    def __init__(self):
        self.purchase_history = Purchase_History(self)
        print(f'User: self: {hex(id(self))}, Purchase_History:{hex(id(self.purchase_history))}')

class Purchase_History:
    def __init__(self, user):
        self.user = user
        print(f'Purchase_History: self: {hex(id(self))}, User: {hex(id(self.user))}')

def report():
    print(f'reference_count(User) = {reference_count(user_id)}')
    print(f'reference_count(Purchase_History) = {reference_count(purchase_history_id)}')
    print(f'User: {obj_availabilty(user_id)}')
    print(f'Purchase_History: {obj_availabilty(purchase_history_id)}')

user_1 = User()
user_id = id(user_1)
purchase_history_id = id(user_1.purchase_history)
report()
user_1 = None
report()
print(f"gc.collect() = {gc.collect()}")
report()
gc.enable()
