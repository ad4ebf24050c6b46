"""Application shell: CLI, web app, settings and the composition root."""
