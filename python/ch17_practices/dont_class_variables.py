import sys

class Session:
    open_sessions = []  # a class variable: lives as long as the class

    def __init__(self, user):
        self.user = user
        Session.open_sessions.append(self)

def login(user):
    session = Session(user)
    return session.user

for user in ("ann", "bob", "cid"):
    login(user)
print(f"sessions still alive after every login returned: {len(Session.open_sessions)}")
first = Session.open_sessions[0]
print(f"sys.getrefcount(first) = {sys.getrefcount(first)}")
Session.open_sessions.clear()
print(f"after clear(): sys.getrefcount(first) = {sys.getrefcount(first)}")
