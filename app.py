"""WSGI entry point: `flask --app app ...` and the production server load this module."""
from study import create_app

app = create_app()
