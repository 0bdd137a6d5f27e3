"""Thread pages in two parts: the issues (list, starting, editing, a thread page, the thread's own actions, the
feed) and the comments under them (comments, replies, official answers, editing, deleting, supporting)."""

from community.threads.views import comments, pages  # noqa: F401 - registers the routes
