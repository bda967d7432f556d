"""Remove duplicate <script> entries from each page.

With Jupyter Book 1, sphinx-thebe registers its inline configuration script
twice, and the second copy throws "Identifier 'THEBE_JS_URL' has already been
declared" in every page's console. This extension keeps the first copy of every
identical script.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # None and "" both mean an inline script
        filename = getattr(script, "filename", str(script)) or ""
        key = (filename, tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=999)  # after every other handler
    return {"parallel_read_safe": True, "parallel_write_safe": True}
