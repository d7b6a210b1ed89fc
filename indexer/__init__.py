"""Reading the corpus folder and keeping a Whoosh index of it up to date.

Never imports Flask: the web service reads what this package writes.
"""
