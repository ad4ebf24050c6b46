"""The Gradio web app (``canevas serve``)."""
