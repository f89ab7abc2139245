# A first program for upy: cargo run --release -- examples/hello.py
import sys

print("Hello from", sys.implementation.name)
squares = [n * n for n in range(10)]
print("squares:", squares)
print("sum:", sum(squares))
