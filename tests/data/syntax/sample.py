import os

# ai: add type hints
class Greeter:
    """Says hello; greet is the entry point."""

    def __init__(self, name):
        self.name = name

    @staticmethod
    def shout(text):
        return text.upper()


def greet(name):
    message = "Hello, " + name
    if name:
        print(message)
    return message


x = 1; y = 2
