"""The HTTP service (``pip install 'yiyang-rules[server]'``, ``yiyang serve``): an outer layer over the
same engine and report as the command line. The core never imports this package.

Importing this package imports nothing from Starlette or uvicorn; :mod:`.app` does.
"""
