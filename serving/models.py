"""serving has no models of its own. This module exists because Django sends `post_migrate` only to apps that
have one, and serving's ensure_locales (serving/apps.py) runs on it."""
