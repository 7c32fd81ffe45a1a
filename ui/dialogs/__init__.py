"""Dialogs; all share one base class for geometry, titles and modality."""
