import os
import sys


def first_arg(x):
    if x == None:
        return None
    return sys.argv[1]
