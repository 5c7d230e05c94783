"""What the `hearth` command line runs besides the server: the demo practice. It reaches the
practice through the core's use cases only, and imports no other adapter family."""
