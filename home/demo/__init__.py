"""Demo content for `manage.py load_demo`: a small advocacy site in every locale.

The English (US) pages are Python data (`site_pages`, `campaigns/`); their hero pictures are drawn with
Pillow (`artwork`), so no binary file is kept in git. Every other locale is a translation made through
wagtail-localize from the PO files in `translations/<locale>/<page>.po`, as a translator would make it.
"""
