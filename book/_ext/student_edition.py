"""The student edition: the same book with every solution taken out.

``make student`` builds the site with ``student_edition = True``. Solutions are
written with sphinx-exercise's gated directives (``solution-start`` …
``solution-end``), whose start, end and the cells between them are merged into
one ``solution_node`` by sphinx-exercise's ``MergeGatedSolutions`` transform
(priority 10). This transform runs right after it (priority 11) and removes
those nodes from the document, so no solution text or code reaches the HTML or
the search index. sphinx-exercise's own ``hide_solutions`` cannot do this: it
fails on gated solutions (``NotImplementedError`` on ``solution_end_node``).

Removing them at build time, not from the notebooks, keeps the notebooks'
code, and so the execution cache's keys, unchanged: the student edition reuses
the executed notebooks of the main build and executes nothing.
"""

from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    """Drop every (merged) solution from the document in the student edition."""

    default_priority = 11  # after sphinx-exercise's MergeGatedSolutions (10)

    def apply(self):
        if not self.config.student_edition:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)


def setup(app):
    app.add_config_value("student_edition", False, "env")
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
