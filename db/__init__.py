"""How Tsunagu stores its data: typed SQLAlchemy models, engine set-up and migrations."""
