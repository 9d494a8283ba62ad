class Word:
    def __init__(self, text):
        self.text = text
    def __del__(self):
        print(f"freed Word({self.text!r})")

def print_word():
    word = Word('Seven')
    other = Word('Eight')
    print("leaving print_word")

print_word()
print("back at module level")
