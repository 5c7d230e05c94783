"""Adapters: the concrete outside world behind the core's ports. bootstrap.py picks them."""
