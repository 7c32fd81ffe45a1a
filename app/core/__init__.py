"""What every room uses: errors, language, dates, text, postal codes, the acting context."""
