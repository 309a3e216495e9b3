"""The HTTP service: JSON API, image endpoints and the playground page."""
