"""The test suite's root.

No tests/ folder holds an __init__.py, so pytest ("prepend" import mode) puts the folder of this
conftest.py, tests/, on sys.path: the test modules import the shared helpers beside it by name
(`from tidy_rows import ...`, `from file_trees import ...`, `from html_outline import ...`).
Keep this file, and keep test file names unique across the sub-folders.
"""
