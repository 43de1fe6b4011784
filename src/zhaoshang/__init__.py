"""zhaoshang (招商): investment promotion and enterprise service for Chinese cities."""

__version__ = "0.1.0"
