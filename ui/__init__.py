"""Streamlit helpers shared by the pages: session state, translated text, widgets, charts and
cached calls into the engine. Pages stay thin; the engine never imports this package."""
