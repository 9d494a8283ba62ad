class Resource:
    def __init__(self, name):
        self.name = name
        self.data = [0] * 1_000

    def __enter__(self):
        print(f"  open {self.name}")
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        del self.data
        print(f"  released {self.name}'s data")

print("with Resource('db') as db:")
with Resource("db") as db:
    print(f"  working, has data: {hasattr(db, 'data')}")
print(f"after the block, has data: {hasattr(db, 'data')}")
