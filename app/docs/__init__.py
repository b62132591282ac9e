"""Word documents generated from templates: the sandboxed renderer (render.py) and the cooperation documents
(cooperation.py: draft agreement, project operation report)."""
