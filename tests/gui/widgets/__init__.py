"""Tests for ui.widgets."""
