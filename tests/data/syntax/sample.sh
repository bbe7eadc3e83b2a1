#!/bin/bash
# ai: quote the variables
set -e

greet() {
    local message="Hello, $1"
    if [ -n "$1" ]; then
        echo "$message"
    fi
    return 0
}

x=1; y=2
greet world
