"""Invitation and reminder letters: what they say (`compose`), who gets which (`batches`), the
print-ready PDF (`render`), returned mail (`returned`) and the `wijkprofiel letters` commands."""
