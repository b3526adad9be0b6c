"""Index engine: Django-free scoring, aggregation and ranking (pure Python + NumPy)."""
