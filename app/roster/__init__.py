"""The member roster, what every person record shares, the files the roster comes in."""
