def shout(words):
    # ai: return the words joined by spaces, in upper case
    return " ".join(words).upper()


print(shout(["speculative", "edits"]))
