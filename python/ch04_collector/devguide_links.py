import gc
gc.collect()
gc.disable()

class Link:
    def __init__(self, next_link):
        self.next_link = next_link

link_3 = Link(None)
link_2 = Link(link_3)
link_1 = Link(link_2)
link_3.next_link = link_1
A = link_1
del link_1, link_2, link_3

link_4 = Link(None)
link_4.next_link = link_4
del link_4
print(f"gc.collect() = {gc.collect()}")

link_4 = Link(None)
link_4.next_link = link_4
link_4.__dict__
del link_4
print(f"after asking for link_4.__dict__: gc.collect() = {gc.collect()}")
