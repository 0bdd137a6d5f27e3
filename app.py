"""The application object that `flask --app app` and gunicorn load."""

from community import create_app

app = create_app()
