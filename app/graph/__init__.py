"""The autograd graph as plain data, and the walk that builds it from a capture."""
