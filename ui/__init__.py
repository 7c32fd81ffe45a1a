"""How Tsunagu looks: PySide6 windows, pages, dialogs and item models."""
