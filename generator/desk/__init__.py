"""Daily use at the service desk: init, due, new, import and export.

Everything here adds to a garage repository and never changes what staff
wrote: new files are written atomically, month files are only appended to.
"""
