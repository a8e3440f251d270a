"""csi: customer-satisfaction reports for garages, from plain-text records."""

__version__ = "0.1.0"
